import { join } from 'node:path';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, streamMaxAgeHours } from '../../../test/helpers/nats.js';
import { waitFor } from '../../../test/helpers/wait-for.js';
import { startConsumers } from './consumer.js';
import type { BusinessEvent } from './envelope.js';
import { loadSubscriptions, openHttpTransport } from './http-transport.js';
import { EVENT_STREAM_SUBJECTS } from './jetstream.js';
import { startRelay } from './relay.js';
import { readEventsConfig, startEvents } from './runtime.js';
import { eventSchemas } from './schemas.js';
import { Harness, ordersOf, schemas, SECRET, SUBJECT, thingHandler } from '../../../test/helpers/event-runtime.js';

/*
 * startEvents, the settings it reads, and what only one transport does (JetStream while NATS is
 * down, HTTP's per-subscriber delivery and signatures), on the runtime's harness.
 */

describe.each(['jetstream', 'http'] as const)('startEvents over %s', (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness(kind);
    await h.open();
  });
  afterEach(async () => h.close());

  it("wires a producer's relay and a consumer's handlers from the environment's settings", async () => {
    const calls: BusinessEvent[] = [];
    const config = readEventsConfig({ NATS_URL: kind === 'jetstream' ? h.nats!.url : undefined, EVENTS_RETRY_BASE_MS: '50', EVENTS_RETENTION_HOURS: '48' });
    const app = Fastify();
    const subscriptions = { things: [SUBJECT] };
    const consumer = await startEvents({ name: 'things', app, db: h.db, config, handlers: [thingHandler('test.wired', calls)], subscriptions, schemas });
    await app.listen({ host: '127.0.0.1', port: h.port });
    const producer = await startEvents({ name: 'erp', app: Fastify(), db: h.db, config, producer: 'erp', subscribers: { things: `http://127.0.0.1:${h.port}` }, subscriptions });
    try {
      expect(producer.transport.kind).toBe(kind);
      for (let n = 1; n <= 3; n++) {
        await h.record('A', n);
        producer.wake();
      }
      await waitFor(async () => (await h.effects('test.wired')).length === 3, { what: '3 effects' });
      await waitFor(() => producer.stats().relay?.published === 3, { what: '3 published' });
      expect(ordersOf(await h.effects('test.wired'))).toEqual({ A: [1, 2, 3] });
      // The broker keeps events as long as the outbox keeps published rows.
      if (kind === 'jetstream') expect(await streamMaxAgeHours(h.nats!.url)).toBe(48);
      expect(consumer.stats()).toEqual({
        relay: null,
        consumers: [{ consumer: 'test.wired', type: 'thing.happened', processed: 3, duplicates: 0, retried: 0, held: 0, deadLettered: 0 }],
      });
    } finally {
      await producer.close();
      await consumer.close();
      await app.close();
    }
  });
});

describe('readEventsConfig', () => {
  it('defaults to HTTP with the development secret, refuses that secret in production on HTTP, and needs none on JetStream', () => {
    expect(readEventsConfig({})).toEqual({
      natsUrl: undefined,
      signingSecret: 'dev-events-signing-secret',
      maxDeliveries: 5,
      retryBaseMs: 1000,
      retryMaxMs: 60_000,
      ackWaitMs: 30_000,
      retentionHours: 168,
    });
    expect(() => readEventsConfig({ NODE_ENV: 'production' })).toThrow(/EVENTS_SIGNING_SECRET/);
    // JetStream does not sign deliveries: production over NATS starts without the HTTP transport's secret.
    expect(readEventsConfig({ NODE_ENV: 'production', NATS_URL: 'nats://nats:4222' })).toMatchObject({ natsUrl: 'nats://nats:4222' });
    expect(readEventsConfig({ NATS_URL: 'nats://127.0.0.1:4222', EVENTS_MAX_DELIVERIES: '3' })).toMatchObject({ natsUrl: 'nats://127.0.0.1:4222', maxDeliveries: 3 });
    expect(() => readEventsConfig({ EVENTS_MAX_DELIVERIES: '0' })).toThrow(/EVENTS_MAX_DELIVERIES/);
  });
});

describe('JetStream transport', () => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness('jetstream');
    await h.open();
  });
  afterEach(async () => h.close());

  it('starts while NATS is down and delivers once it is up', async () => {
    const calls: BusinessEvent[] = [];
    await h.nats!.stop();
    await h.startConsumers([thingHandler('test.late', calls)]);
    const relay = h.startRelay();
    await h.record('A', 1);
    await h.record('A', 2);
    await waitFor(() => relay.stats().failures > 0, { what: 'a failed publish' });
    expect(relay.stats().oldestUnpublishedMs).toBeGreaterThan(0);
    await h.nats!.start();
    await waitFor(async () => (await h.effects('test.late')).length === 2, { what: '2 effects', timeoutMs: 20_000 });
    expect(ordersOf(await h.effects('test.late'))).toEqual({ A: [1, 2] });
  });

  it('closes at once while NATS is down', async () => {
    await h.nats!.stop();
    await h.startConsumers([thingHandler('test.closing', [])]);
    h.startRelay();
    await h.record('A', 1);
    const started = Date.now();
    await h.stopConsumers();
    await h.relay!.close();
    await h.producer!.close();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('HTTP transport', () => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness('http');
    await h.open();
  });
  afterEach(async () => h.close());

  it('delays only the deliveries of a subscriber that is down', async () => {
    const calls: BusinessEvent[] = [];
    await h.startConsumers([thingHandler('test.up', calls)]);
    const downPort = await freePort();
    h.producer = openHttpTransport({
      secret: SECRET,
      db: h.db,
      subscribers: (name) => ({ things: `http://127.0.0.1:${h.port}`, down: `http://127.0.0.1:${downPort}` })[name],
      subscriptions: { things: [SUBJECT], down: [SUBJECT], unknown: [SUBJECT] },
      pollIntervalMs: 100,
      retryBaseMs: 50,
      log: h.log,
    });
    h.startRelay();
    for (let n = 1; n <= 3; n++) await h.record('A', n);
    await waitFor(async () => (await h.effects('test.up')).length === 3, { what: '3 effects at the subscriber that is up' });
    // The effect commits before the answer reaches the producer: wait for its record of delivery too.
    await waitFor(async () => (await h.count('SELECT count(*) FROM event_deliveries WHERE subscriber = $1 AND delivered_at IS NOT NULL', ['things'])) === 3, {
      what: '3 delivered',
    });
    await waitFor(async () => (await h.count('SELECT count(*) FROM event_deliveries WHERE subscriber = $1 AND attempts > 0', ['down'])) > 0, { what: 'a try at the one down' });
    const pending = await h.db.query<{ subscriber: string; waiting: number; tried: number }>(
      `SELECT subscriber, count(*)::int AS waiting, count(*) FILTER (WHERE attempts > 0)::int AS tried
         FROM event_deliveries WHERE delivered_at IS NULL GROUP BY subscriber ORDER BY subscriber`,
    );
    // Down: only A's first event is tried (its later ones wait behind it); unknown: no URL, nothing tried.
    expect(pending.rows).toEqual([
      { subscriber: 'down', waiting: 3, tried: 1 },
      { subscriber: 'unknown', waiting: 3, tried: 0 },
    ]);
  });

  it('refuses a body whose signature does not match', async () => {
    await h.startConsumers([thingHandler('test.signed', [])]);
    const response = await fetch(`http://127.0.0.1:${h.port}/events`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', 'x-bizgraph-event-signature': `sha256=${'0'.repeat(64)}` },
    });
    expect(response.status).toBe(401);
    expect(await h.count('SELECT count(*) FROM dead_letters')).toBe(0);
  });
});

describe('schema/events/subscriptions.json', () => {
  it('names only subjects the stream carries and the schemas document', () => {
    const all = loadSubscriptions();
    expect(Object.keys(all).sort()).toEqual(['billing', 'erp', 'logistics']);
    for (const subject of Object.values(all).flat()) {
      const [source, ...type] = subject.split('.');
      expect(EVENT_STREAM_SUBJECTS).toContain(`${source}.>`);
      expect(eventSchemas().known).toContain(`${type.join('.')}.v1`);
    }
  });
});
