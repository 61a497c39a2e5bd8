import { connect, nanos, StorageType } from 'nats';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, thingHandler } from '../../../test/helpers/event-runtime.js';
import { startOwnNats, streamMaxAgeHours, type OwnNats } from '../../../test/helpers/nats.js';
import { waitFor } from '../../../test/helpers/wait-for.js';
import type { BusinessEvent } from './envelope.js';
import { registerEventMetrics } from './event-metrics.js';
import { EVENT_STREAM, EVENT_STREAM_SUBJECTS, openJetStreamTransport } from './jetstream.js';
import type { EventTransport } from './transport.js';

/*
 * The JetStream side of event retention, on a nats-server of the test's own: the stream keeps
 * messages for EVENTS_RETENTION_HOURS (`max_age`), an existing stream's limit is only raised, and
 * a consumer's backlog (what the broker holds that it has not acknowledged) is a gauge, so a
 * consumer falling behind shows long before its oldest events age out.
 */

const HOUR_MS = 3_600_000;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function ownNats(): Promise<OwnNats> {
  const nats = await startOwnNats();
  cleanups.push(() => nats.dispose());
  return nats;
}

/** A stream as another version (or another subgraph's setting) left it. */
async function createStream(url: string, maxAgeHours: number): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: EVENT_STREAM, subjects: [...EVENT_STREAM_SUBJECTS], storage: StorageType.File, max_age: maxAgeHours * nanos(HOUR_MS) });
  } finally {
    await nc.close();
  }
}

/** Opens a transport with a retention, and waits until it has declared the stream (a backlog read connects it). */
async function declareWith(url: string, maxAgeHours: number): Promise<void> {
  const transport = openJetStreamTransport({ url, maxAgeMs: maxAgeHours * HOUR_MS });
  try {
    await transport.backlog!([]);
  } finally {
    await transport.close();
  }
}

describe('the JetStream stream keeps events for EVENTS_RETENTION_HOURS', () => {
  it('declares a new stream with max_age set to the retention', async () => {
    const nats = await ownNats();
    await declareWith(nats.url, 168);
    expect(await streamMaxAgeHours(nats.url)).toBe(168);
  });

  it('gives an unlimited stream (as earlier versions created it) the limit, and only ever raises a limit', async () => {
    const nats = await ownNats();
    await createStream(nats.url, 0);
    await declareWith(nats.url, 168);
    expect(await streamMaxAgeHours(nats.url)).toBe(168);
    // A subgraph with a shorter retention does not cut the horizon another one asked for.
    await declareWith(nats.url, 24);
    expect(await streamMaxAgeHours(nats.url)).toBe(168);
    await declareWith(nats.url, 720);
    expect(await streamMaxAgeHours(nats.url)).toBe(720);
  });
});

describe("a JetStream consumer's backlog", () => {
  it('counts what the broker holds for a stopped consumer, as a gauge, and drops to 0 once it has caught up', async () => {
    const h = new Harness('jetstream');
    await h.open();
    cleanups.push(() => h.close());
    const calls: BusinessEvent[] = [];
    const handler = thingHandler('things.apply', calls);
    const observer = openJetStreamTransport({ url: h.nats!.url });
    cleanups.push(() => observer.close());
    // Declares the durable consumer (its loop does, in the background), then stops: what is published next waits at the broker.
    await h.startConsumers([handler]);
    await waitFor(async () => (await observer.backlog!([handler.consumer])).has(handler.consumer), { what: 'the durable consumer declared' });
    await h.stopConsumers();
    const producer = h.producerTransport();
    for (let n = 1; n <= 3; n++) await producer.publish(await h.record(`T-${n}`, n));

    expect(await gauge(h, observer, handler.consumer)).toEqual({ 'things.apply': 3 });
    // A consumer no subgraph has declared yet is left out rather than reported as 0.
    expect([...(await observer.backlog!(['things.apply', 'never.declared'])).keys()]).toEqual(['things.apply']);

    await h.startConsumers([handler]);
    await waitFor(async () => (await h.effects('things.apply')).length === 3, { what: 'the three events applied' });
    await waitFor(async () => (await gauge(h, observer, handler.consumer))['things.apply'] === 0, { what: 'the backlog drained' });
  });

  it('leaves the gauge empty over HTTP, where the producer counts undelivered events instead', async () => {
    const h = new Harness('http');
    await h.open();
    cleanups.push(() => h.close());
    const http = h.producerTransport();
    expect(http.backlog).toBeUndefined();
    expect(await gauge(h, http, 'things.apply')).toEqual({});
  });
});

/** `bizgraph_subgraph_consumer_backlog_events` as a consumer subgraph's scrape reports it. */
async function gauge(h: Harness, transport: EventTransport, consumer: string): Promise<Record<string, number>> {
  const registry = new Registry();
  const runtime = { stats: () => ({ relay: null, consumers: [] }), transport };
  const handlers = [thingHandler(consumer, [])];
  registerEventMetrics(registry, { name: 'things', db: h.db, runtime, handlers });
  const family = (await registry.getMetricsAsJSON()).find((metric) => metric.name === 'bizgraph_subgraph_consumer_backlog_events');
  return Object.fromEntries((family?.values ?? []).map((value) => [value.labels.consumer, value.value]));
}
