import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, startOwnNats, type OwnNats } from '../../../test/helpers/nats.js';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../../test/helpers/services.js';
import { waitFor } from '../../../test/helpers/wait-for.js';
import { openDatabase, type Database } from '../sql.js';
import { startConsumers, replayDeadLetter, type Consumers } from './consumer.js';
import { EVENT_DELIVERY_TABLES_V1 } from './delivery-tables.js';
import type { BusinessEvent } from './envelope.js';
import type { EventHandler } from './handler.js';
import { loadSubscriptions, openHttpTransport } from './http-transport.js';
import { EVENT_STREAM_SUBJECTS, openJetStreamTransport } from './jetstream.js';
import { EVENT_TABLES_V1, recordEvent } from './outbox.js';
import { startRelay, type Relay } from './relay.js';
import { readEventsConfig, startEvents } from './runtime.js';
import { EVENT_SCHEMA_DIR, eventSchemas, loadEventSchemas } from './schemas.js';
import type { Delivery, EventLog, EventTransport } from './transport.js';

/*
 * The runtime on real parts: a PGlite database (the producer's outbox and the consumer's tables
 * side by side, as in a subgraph that does both), and either a nats-server of this file's own or
 * signed HTTP to a real Fastify app. The same tests run against both transports.
 */

const SUBJECT = 'erp.thing.happened';
const OTHER = 'erp.thing.other';
const SECRET = 'test-events-secret';
const schemaDir = mkdtempSync(join(tmpdir(), 'bizgraph-event-schemas-'));
copyFileSync(join(EVENT_SCHEMA_DIR, 'envelope.v1.json'), join(schemaDir, 'envelope.v1.json'));
writeFileSync(
  join(schemaDir, 'thing.happened.v1.json'),
  JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', additionalProperties: false, required: ['n'], properties: { n: { type: 'integer' } } }),
);
writeFileSync(join(schemaDir, 'thing.other.v1.json'), JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' }));
const schemas = loadEventSchemas(schemaDir);

interface Effect {
  consumer: string;
  aggregate_key: string;
  n: number;
}

/** A handler that writes one `effects` row per applied event; `fail` decides when it throws instead. */
function thingHandler(consumer: string, calls: BusinessEvent[], fail: (event: BusinessEvent, call: number) => string | undefined = () => undefined): EventHandler {
  return {
    consumer,
    subjects: [SUBJECT],
    async handle(event, tx) {
      calls.push(event);
      const reason = fail(event, calls.filter((call) => call.id === event.id).length);
      if (reason) throw new Error(reason);
      await tx.query('INSERT INTO effects (consumer, event_id, aggregate_key, n) VALUES ($1, $2, $3, $4)', [consumer, event.id, event.aggregate.key, event.payload.n]);
    },
  };
}

class Harness {
  db!: Database;
  nats?: OwnNats;
  dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-events-'));
  port = 0;
  app?: FastifyInstance;
  producer?: EventTransport;
  consumerTransport?: EventTransport;
  relay?: Relay;
  consumers?: Consumers;
  logLines: string[] = [];
  log: EventLog = { info: (_f, m) => this.logLines.push(m), warn: (_f, m) => this.logLines.push(m), error: (_f, m) => this.logLines.push(m) };

  server?: TestDatabase;

  constructor(
    readonly kind: 'jetstream' | 'http',
    readonly engine: 'pglite' | 'postgres' = 'pglite',
  ) {}

  async open(): Promise<void> {
    if (this.engine === 'postgres') this.server = await createTestDatabase('events_runtime');
    this.db = await openDatabase({ dataDir: this.dataDir, url: this.server?.url });
    await this.db.exec(EVENT_TABLES_V1 + EVENT_DELIVERY_TABLES_V1 + 'CREATE TABLE effects (seq serial PRIMARY KEY, consumer text, event_id uuid, aggregate_key text, n integer);');
    if (this.kind === 'jetstream') this.nats = await startOwnNats();
    else this.port = await freePort();
  }

  /** The producer side's transport (a separate connection, as in another process). */
  producerTransport(): EventTransport {
    this.producer ??=
      this.kind === 'jetstream'
        ? openJetStreamTransport({ url: this.nats!.url, publishTimeoutMs: 1000, log: this.log })
        : openHttpTransport({
            secret: SECRET,
            db: this.db,
            subscribers: { things: `http://127.0.0.1:${this.port}` },
            subscriptions: { things: [SUBJECT, OTHER] },
            pollIntervalMs: 100,
            retryBaseMs: 50,
            retryMaxMs: 500,
            requestTimeoutMs: 2000,
            log: this.log,
          });
    return this.producer;
  }

  startRelay(): Relay {
    this.relay = startRelay({ db: this.db, transport: this.producerTransport(), pollIntervalMs: 200, log: this.log });
    return this.relay;
  }

  /** The consumer side: its own transport (and, over HTTP, its own app on the harness's port). */
  async startConsumers(handlers: EventHandler[], options: { maxDeliveries?: number; wrap?: (transport: EventTransport) => EventTransport } = {}): Promise<Consumers> {
    if (this.kind === 'jetstream') {
      this.consumerTransport = openJetStreamTransport({ url: this.nats!.url, log: this.log });
    } else {
      this.app = Fastify();
      this.consumerTransport = openHttpTransport({ secret: SECRET, app: this.app, subscriptions: { things: [SUBJECT, OTHER] }, log: this.log });
      await this.app.listen({ host: '127.0.0.1', port: this.port });
    }
    const transport = options.wrap ? options.wrap(this.consumerTransport) : this.consumerTransport;
    this.consumers = await startConsumers({
      db: this.db,
      transport,
      handlers,
      maxDeliveries: options.maxDeliveries ?? 5,
      schemas,
      log: this.log,
      retryBaseMs: 50,
      retryMaxMs: 400,
    });
    return this.consumers;
  }

  async stopConsumers(): Promise<void> {
    await this.consumers?.close();
    await this.consumerTransport?.close();
    await this.app?.close();
    this.consumers = this.consumerTransport = this.app = undefined;
  }

  async record(key: string, n: number | string, type = 'thing.happened'): Promise<BusinessEvent> {
    const event = await this.db.transaction((tx) => recordEvent(tx, { type, version: 1, source: 'erp', aggregate: { type: 'Thing', key }, payload: { n }, traceparent: null }));
    this.relay?.wake();
    return event;
  }

  async effects(consumer: string): Promise<Effect[]> {
    return (await this.db.query<Effect>('SELECT consumer, aggregate_key, n FROM effects WHERE consumer = $1 ORDER BY seq', [consumer])).rows;
  }

  async count(sql: string, params: unknown[] = []): Promise<number> {
    return Number((await this.db.query<{ count: number }>(sql, params)).rows[0]?.count ?? 0);
  }

  async close(): Promise<void> {
    await this.stopConsumers();
    await this.relay?.close();
    await this.producer?.close();
    await this.db?.close();
    await this.server?.drop();
    await this.nats?.dispose();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Keys of one aggregate's effects, in the order applied. */
const ordersOf = (effects: Effect[]) => {
  const byKey: Record<string, number[]> = {};
  for (const effect of effects) (byKey[effect.aggregate_key] ??= []).push(effect.n);
  return byKey;
};

const withPostgres = await postgresAvailable();
type Variant = ['jetstream' | 'http', 'pglite' | 'postgres'];
const pgliteVariants: Variant[] = [
  ['jetstream', 'pglite'],
  ['http', 'pglite'],
];
const postgresVariants: Variant[] = [
  ['jetstream', 'postgres'],
  ['http', 'postgres'],
];
const matrix = withPostgres ? [...pgliteVariants, ...postgresVariants] : pgliteVariants;

describe.each(matrix)('event runtime over %s on %s', (kind, engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness(kind, engine);
    await h.open();
  });
  afterEach(async () => h.close());

  it('publishes the outbox in order and applies each aggregate in order', async () => {
    const calls: BusinessEvent[] = [];
    await h.startConsumers([thingHandler('test.ordered', calls)]);
    const relay = h.startRelay();
    for (let n = 1; n <= 5; n++) for (const key of ['A', 'B', 'C']) await h.record(key, n);
    await waitFor(async () => (await h.effects('test.ordered')).length === 15, { what: '15 effects' });
    expect(ordersOf(await h.effects('test.ordered'))).toEqual({ A: [1, 2, 3, 4, 5], B: [1, 2, 3, 4, 5], C: [1, 2, 3, 4, 5] });
    // Consumers may apply an event before the relay has marked it: wait for the mark.
    await waitFor(async () => (await h.count('SELECT count(*) FROM outbox WHERE published_at IS NULL')) === 0, { what: 'the outbox drained' });
    expect(relay.stats()).toMatchObject({ published: 15, oldestUnpublishedMs: 0 });
    expect(calls).toHaveLength(15);
  });

  it('publishes again after a crash between the commit and marking published, with no duplicate effect', async () => {
    const calls: BusinessEvent[] = [];
    const events = [await h.record('A', 1), await h.record('A', 2), await h.record('B', 1)];
    // The crashed relay got as far as publishing the first two, not as far as marking them.
    for (const event of events.slice(0, 2)) await h.producerTransport().publish(event);
    await h.startConsumers([thingHandler('test.crash', calls)]);
    const relay = h.startRelay();
    await waitFor(async () => (await h.effects('test.crash')).length === 3, { what: '3 effects' });
    await new Promise((resolve) => setTimeout(resolve, 500)); // room for a duplicate to show up
    expect(ordersOf(await h.effects('test.crash'))).toEqual({ A: [1, 2], B: [1] });
    // Consumers may apply an event before the relay has marked it: wait for the mark.
    await waitFor(async () => (await h.count('SELECT count(*) FROM outbox WHERE published_at IS NULL')) === 0, { what: 'the outbox drained' });
    expect(relay.stats().published).toBe(3);
    expect(await h.count('SELECT count(*) FROM processed_events WHERE consumer = $1', ['test.crash'])).toBe(3);
  });

  it('retries a failing handler with backoff and counts its attempts', async () => {
    const calls: BusinessEvent[] = [];
    await h.startConsumers([thingHandler('test.flaky', calls, (_event, call) => (call <= 2 ? `boom ${call}` : undefined))]);
    h.startRelay();
    const event = await h.record('A', 1);
    await waitFor(async () => (await h.effects('test.flaky')).length === 1, { what: 'the effect' });
    expect(calls).toHaveLength(3);
    const attempts = await h.db.query('SELECT attempts, last_error FROM event_attempts WHERE consumer = $1 AND event_id = $2', ['test.flaky', event.id]);
    expect(attempts.rows).toEqual([{ attempts: 2, last_error: 'boom 2' }]);
    expect(await h.count('SELECT count(*) FROM dead_letters')).toBe(0);
    expect(await h.count('SELECT count(*) FROM event_holds')).toBe(0);
  });

  it('dead-letters after maxDeliveries with the last error, holds the same aggregate, and lets the others flow', async () => {
    const calls: BusinessEvent[] = [];
    let broken = true;
    const handler = thingHandler('test.poison', calls, (event, call) => (broken && event.aggregate.key === 'P' && event.payload.n === 1 ? `account closed (${call})` : undefined));
    await h.startConsumers([handler], { maxDeliveries: 3 });
    h.startRelay();
    const poison = await h.record('P', 1);
    await h.record('P', 2);
    for (let n = 1; n <= 3; n++) await h.record('Q', n);
    await waitFor(async () => (await h.effects('test.poison')).length === 4, { what: '4 effects', timeoutMs: 15_000 });
    const dead = await h.db.query<{ event_id: string; attempts: number; last_error: string; event: BusinessEvent }>(
      'SELECT event_id, attempts, last_error, event FROM dead_letters',
    );
    expect(dead.rows.map(({ event_id, attempts, last_error }) => ({ event_id, attempts, last_error }))).toEqual([
      { event_id: poison.id, attempts: 3, last_error: 'account closed (3)' },
    ]);
    expect(dead.rows[0]!.event).toEqual(poison);
    expect(ordersOf(await h.effects('test.poison'))).toEqual({ Q: [1, 2, 3], P: [2] });
    // P's second event waited until its first was given up on.
    const poisonCalls = calls.flatMap((call, index) => (call.aggregate.key === 'P' ? [`${call.payload.n}@${index}`] : []));
    expect(poisonCalls.map((call) => call.split('@')[0])).toEqual(['1', '1', '1', '2']);

    // Once the cause is fixed, a replay applies it exactly once.
    broken = false;
    expect(await replayDeadLetter(h.db, handler, poison.id, { schemas })).toEqual({ outcome: 'applied' });
    expect(await replayDeadLetter(h.db, handler, poison.id, { schemas })).toEqual({ outcome: 'already-replayed' });
    expect(ordersOf(await h.effects('test.poison'))).toEqual({ Q: [1, 2, 3], P: [2, 1] });
    expect(await h.count('SELECT count(*) FROM dead_letters WHERE replayed_at IS NOT NULL')).toBe(1);
  });

  it("keeps an aggregate's order while its first event is retried, across a consumer restart", async () => {
    const calls: BusinessEvent[] = [];
    let broken = true;
    const handler = thingHandler('test.order-kept', calls, (event, call) =>
      event.aggregate.key === 'P' && event.payload.n === 1 && (broken || call <= 3) ? `not yet (${call})` : undefined,
    );
    await h.startConsumers([handler], { maxDeliveries: 10 });
    h.startRelay();
    for (let n = 1; n <= 4; n++) await h.record('P', n);
    await h.record('Q', 1);
    await waitFor(async () => (await h.count('SELECT coalesce(max(attempts), 0) AS count FROM event_attempts WHERE consumer = $1', ['test.order-kept'])) >= 2, {
      what: 'two failures of P1',
    });
    await waitFor(async () => (await h.effects('test.order-kept')).length === 1, { what: "Q's effect while P waits" });
    await h.stopConsumers();
    broken = false;
    await h.startConsumers([handler], { maxDeliveries: 10 });
    await waitFor(async () => (await h.effects('test.order-kept')).length === 5, { what: '5 effects', timeoutMs: 20_000 });
    expect(ordersOf(await h.effects('test.order-kept'))).toEqual({ Q: [1], P: [1, 2, 3, 4] });
    expect(calls.filter((call) => call.aggregate.key === 'P' && call.payload.n !== 1).map((call) => call.payload.n)).toEqual([2, 3, 4]);
    expect(await h.count('SELECT count(*) FROM event_holds')).toBe(0);
  });

  it('keeps every aggregate in order, once each, under random handler failures', async () => {
    const seed = Number(process.env.EVENTS_TEST_SEED ?? Date.now() % 100_000);
    let state = seed;
    // mulberry32: a small seeded generator, so a failing run can be repeated with EVENTS_TEST_SEED.
    const random = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const calls: BusinessEvent[] = [];
    const consumers = await h.startConsumers([thingHandler('test.random', calls, () => (random() < 0.2 ? 'transient' : undefined))], { maxDeliveries: 30 });
    h.startRelay();
    const keys = Array.from({ length: 20 }, (_, i) => `K${i}`);
    for (let n = 1; n <= 10; n++) for (const key of keys) await h.record(key, n);
    await waitFor(async () => (await h.effects('test.random')).length === 200, { what: `200 effects (seed ${seed})`, timeoutMs: 45_000 });
    const ten = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(ordersOf(await h.effects('test.random')), `seed ${seed}`).toEqual(Object.fromEntries(keys.map((key) => [key, ten])));
    expect(await h.count('SELECT count(*) FROM processed_events WHERE consumer = $1', ['test.random'])).toBe(200);
    expect(await h.count('SELECT count(*) FROM dead_letters')).toBe(0);
    await waitFor(async () => (await h.count('SELECT count(*) FROM event_holds')) === 0, { what: 'no holds left' });
    expect(consumers.stats()[0]).toMatchObject({ processed: 200, deadLettered: 0 });
  }, 60_000);

  it('refuses an event that fails its JSON Schema: logged, dead-lettered, never applied', async () => {
    const calls: BusinessEvent[] = [];
    await h.startConsumers([thingHandler('test.schema', calls)]);
    h.startRelay();
    const invalid = await h.record('A', 'seven');
    await h.record('B', 1);
    await waitFor(async () => (await h.effects('test.schema')).length === 1 && (await h.count('SELECT count(*) FROM dead_letters')) === 1, { what: 'one effect, one dead letter' });
    const dead = await h.db.query<{ event_id: string; last_error: string }>('SELECT event_id, last_error FROM dead_letters WHERE consumer = $1', ['test.schema']);
    expect(dead.rows).toEqual([{ event_id: invalid.id, last_error: 'schema: thing.happened v1 payload/n must be integer' }]);
    expect(calls.map((call) => call.aggregate.key)).toEqual(['B']);
    expect(h.logLines.filter((line) => line.includes('fails its JSON Schema'))).toHaveLength(1);
    expect(await h.count('SELECT count(*) FROM processed_events')).toBe(1);
  });

  it('delivers both subjects of a two-subject handler in order, and no other subject', async () => {
    const calls: BusinessEvent[] = [];
    await h.startConsumers([{ ...thingHandler('test.two', calls), subjects: [SUBJECT, OTHER] }]);
    h.startRelay();
    await h.record('A', 1);
    await h.record('A', 2, 'thing.other');
    await h.record('A', 3, 'thing.unheard');
    await h.record('A', 4, 'thing.other');
    await waitFor(async () => (await h.effects('test.two')).length === 3, { what: '3 effects' });
    await waitFor(async () => (await h.count('SELECT count(*) FROM outbox WHERE published_at IS NULL')) === 0, { what: 'the outbox drained' });
    await new Promise((resolve) => setTimeout(resolve, 300)); // room for the unheard one to show up
    expect(ordersOf(await h.effects('test.two'))).toEqual({ A: [1, 2, 4] });
    expect(calls.map((call) => call.type)).toEqual(['thing.happened', 'thing.other', 'thing.other']);
  });

  it('applies a redelivered event once (the ack was lost after the effect committed)', async () => {
    const calls: BusinessEvent[] = [];
    const attempts: number[] = [];
    // Turns the first ack of each event into a retry: the transport delivers it a second time.
    const loseFirstAck = (transport: EventTransport): EventTransport => ({
      ...transport,
      subscribe: (handlers, deliver) =>
        transport.subscribe(handlers, (delivery: Delivery) => {
          attempts.push(delivery.attempt);
          return deliver({ ...delivery, ack: () => (delivery.attempt === 1 ? delivery.retry(100) : delivery.ack()) });
        }),
    });
    const consumers = await h.startConsumers([thingHandler('test.redelivered', calls)], { wrap: loseFirstAck });
    h.startRelay();
    await h.record('A', 1);
    await h.record('B', 1);
    await waitFor(() => attempts.filter((attempt) => attempt === 2).length === 2, { what: 'both redelivered' });
    await waitFor(() => consumers.stats()[0]?.duplicates === 2, { what: 'two duplicates skipped' });
    expect(await h.count('SELECT count(*) FROM effects')).toBe(2);
    expect(calls).toHaveLength(2);
    expect(consumers.stats()).toEqual([{ consumer: 'test.redelivered', type: 'thing.happened', processed: 2, duplicates: 2, retried: 0, held: 0, deadLettered: 0 }]);
  });

  it(`loses nothing when ${kind === 'jetstream' ? 'NATS' : 'the subscriber'} is down for a few seconds`, async () => {
    const calls: BusinessEvent[] = [];
    await h.startConsumers([thingHandler('test.outage', calls)]);
    h.startRelay();
    const keys = ['A', 'B', 'C', 'D', 'E'];
    for (let n = 1; n <= 4; n++) for (const key of keys) await h.record(key, n);
    await waitFor(async () => (await h.effects('test.outage')).length === 20, { what: '20 effects before the outage' });
    if (kind === 'jetstream') await h.nats!.stop();
    else await h.stopConsumers();
    for (let n = 5; n <= 10; n++) for (const key of keys) await h.record(key, n);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    if (kind === 'jetstream') await h.nats!.start();
    else await h.startConsumers([thingHandler('test.outage', calls)]);
    await waitFor(async () => (await h.effects('test.outage')).length >= 50, { what: '50 effects after the outage', timeoutMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const ten = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(ordersOf(await h.effects('test.outage'))).toEqual({ A: ten, B: ten, C: ten, D: ten, E: ten });
    // Consumers may apply an event before the relay has marked it: wait for the mark.
    await waitFor(async () => (await h.count('SELECT count(*) FROM outbox WHERE published_at IS NULL')) === 0, { what: 'the outbox drained' });
  });
});

describe.each(['jetstream', 'http'] as const)('startEvents over %s', (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness(kind);
    await h.open();
  });
  afterEach(async () => h.close());

  it("wires a producer's relay and a consumer's handlers from the environment's settings", async () => {
    const calls: BusinessEvent[] = [];
    const config = readEventsConfig({ NATS_URL: kind === 'jetstream' ? h.nats!.url : undefined, EVENTS_RETRY_BASE_MS: '50' });
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
