import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postgresAvailable } from '../../../test/helpers/services.js';
import { waitFor } from '../../../test/helpers/wait-for.js';
import { Harness, thingHandler } from '../../../test/helpers/event-runtime.js';
import { CANCELLED_ORDERS_V1 } from './cancelled-orders.js';
import { uuidv7, type BusinessEvent } from './envelope.js';
import { registerEventMetrics } from './event-metrics.js';
import { readDeliveryCounts, readOutboxCounts } from './operations.js';
import { pruneEventTables, startPruner } from './retention.js';
import { readEventsConfig } from './runtime.js';

/*
 * The retention pass on real databases (PGlite, and PostgreSQL when it runs): every event table
 * seeded with rows old and new, one pass, exact row counts afterwards.
 */

const DAY_MS = 86_400_000;
const RETENTION_MS = 7 * DAY_MS;
const engines = (await postgresAvailable()) ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

/** What a pass deletes from the seed below, per table. */
const PRUNED = { outbox: 2, event_deliveries: 2 };

/**
 * Rows `days` before `now` in every table, each named for what the retention must do with it.
 * Old is 10 days (past the 7-day retention), new is 1 day; kept-however-old rows are 30 days.
 * processed_events and event_attempts are seeded old and new too: a pass keeps them all.
 */
async function seed(h: Harness, now: number): Promise<void> {
  const at = (days: number) => new Date(now - days * DAY_MS).toISOString();
  const outbox = async (days: number, publishedDays: number | null) => {
    const id = uuidv7();
    const { rows } = await h.db.query<{ seq: string }>(
      `INSERT INTO outbox (id, type, version, source, aggregate_type, aggregate_key, occurred_at, payload, published_at)
       VALUES ($1, 'thing.happened', 1, 'erp', 'Thing', 'A', $2, '{"n":1}', $3) RETURNING seq`,
      [id, at(days), publishedDays === null ? null : at(publishedDays)],
    );
    return { id, seq: Number(rows[0]!.seq) };
  };
  const delivery = (event: { id: string; seq: number }, deliveredDays: number | null, subscriber = 'billing') =>
    h.db.query(`INSERT INTO event_deliveries (subscriber, event_id, seq, aggregate_type, aggregate_key, attempts, delivered_at) VALUES ($1, $2, $3, 'Thing', 'A', 1, $4)`, [
      subscriber,
      event.id,
      event.seq,
      deliveredDays === null ? null : at(deliveredDays),
    ]);
  const processed = (eventId: string, days: number) =>
    h.db.query(`INSERT INTO processed_events (consumer, event_id, processed_at, process_key) VALUES ('billing.c', $1, $2, 'SO-1')`, [eventId, at(days)]);
  const attempt = (eventId: string, days: number) =>
    h.db.query(`INSERT INTO event_attempts (consumer, event_id, attempts, last_error, last_attempt_at) VALUES ('billing.c', $1, 2, 'boom', $2)`, [eventId, at(days)]);

  // outbox: two old published rows (pruned), an old published row still pending for one subscriber, a new one, an old unpublished one.
  const oldPublished = [await outbox(10, 10), await outbox(10, 10)];
  const pendingForOne = await outbox(10, 10);
  const newPublished = await outbox(1, 1);
  const unpublished = await outbox(30, null);
  // event_deliveries: old delivered (pruned, two), one retrying however often, a new delivered, an old delivered whose outbox row is unpublished.
  for (const event of oldPublished) await delivery(event, 10);
  await delivery(pendingForOne, null, 'billing');
  await h.db.query(`UPDATE event_deliveries SET attempts = 40, last_error = 'HTTP 503', next_attempt_at = $2 WHERE event_id = $1`, [pendingForOne.id, at(-1)]);
  await delivery(newPublished, 1);
  await delivery(unpublished, 10);
  // processed_events and event_attempts, old and new: all kept (the process view reads them).
  const [processedOld, processedAlsoOld, processedNew, held, dead] = [uuidv7(), uuidv7(), uuidv7(), uuidv7(), uuidv7()];
  await processed(processedOld, 10);
  await processed(processedAlsoOld, 10);
  await processed(processedNew, 1);
  for (const eventId of [processedOld, held, dead, processedNew]) await attempt(eventId, 10);
  await h.db.query(`INSERT INTO event_holds (consumer, event_id, aggregate_type, aggregate_key, sequence, held_at) VALUES ('billing.c', $1, 'Thing', 'A', 1, $2)`, [held, at(30)]);
  // dead_letters, replayed or not, and cancelled_orders: kept however old.
  await h.db.query(
    `INSERT INTO dead_letters (consumer, event_id, event, attempts, last_error, dead_at, replayed_at) VALUES ('billing.c', $1, '{}', 5, 'boom', $3, NULL), ('billing.c', $2, '{}', 5, 'boom', $3, $3)`,
    [dead, uuidv7(), at(30)],
  );
  await h.db.query(`INSERT INTO cancelled_orders (order_number, cancelled_at, event_id) VALUES ('SO-1', $1, $2)`, [at(30), uuidv7()]);
}

/** Three more old events of another type, each delivered to another subscriber: pruned whole, both tables. */
async function seedOther(h: Harness, now: number): Promise<void> {
  const old = new Date(now - 10 * DAY_MS).toISOString();
  for (const key of ['X', 'Y', 'Z']) {
    const id = uuidv7();
    const { rows } = await h.db.query<{ seq: string }>(
      `INSERT INTO outbox (id, type, version, source, aggregate_type, aggregate_key, occurred_at, payload, published_at)
       VALUES ($1, 'thing.other', 1, 'erp', 'Thing', $2, $3, '{}', $3) RETURNING seq`,
      [id, key, old],
    );
    await h.db.query(
      `INSERT INTO event_deliveries (subscriber, event_id, seq, aggregate_type, aggregate_key, attempts, delivered_at) VALUES ('logistics', $1, $2, 'Thing', $3, 1, $4)`,
      [id, rows[0]!.seq, key, old],
    );
  }
}

/** What the operations view and a fresh scrape say (a registry of its own: one scrape's snapshot is reused for 500 ms). */
async function totals(h: Harness) {
  const registry = new Registry();
  const runtime = { stats: () => ({ relay: null, consumers: [] }), transport: { kind: 'http' } as never };
  registerEventMetrics(registry, { name: 'erp', db: h.db, producer: 'erp', runtime, handlers: [] });
  const metrics = await registry.getMetricsAsJSON();
  const counter = (name: string, label: string) => Object.fromEntries(metrics.find((family) => family.name === name)!.values.map((value) => [value.labels[label], value.value]));
  return {
    outbox: await readOutboxCounts(h.db),
    deliveries: await readDeliveryCounts(h.db),
    published: counter('bizgraph_subgraph_outbox_published_total', 'type'),
    delivered: counter('bizgraph_subgraph_outbox_delivered_total', 'subscriber'),
  };
}

async function tallies(h: Harness) {
  return {
    outbox: (await h.db.query('SELECT source, type, published::int AS published FROM pruned_outbox_counts ORDER BY source, type')).rows,
    deliveries: (await h.db.query('SELECT subscriber, delivered::int AS delivered FROM pruned_delivery_counts ORDER BY subscriber')).rows,
  };
}

async function counts(h: Harness) {
  const tables = ['outbox', 'event_deliveries', 'processed_events', 'event_attempts', 'dead_letters', 'event_holds', 'cancelled_orders'];
  return Object.fromEntries(await Promise.all(tables.map(async (table) => [table, await h.count(`SELECT count(*) FROM ${table}`)])));
}

describe.each(engines)('event retention on %s', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness('http', engine);
    await h.open();
    await h.db.exec(CANCELLED_ORDERS_V1);
  });
  afterEach(async () => h.close());

  it('prunes old settled rows in batches and keeps new ones, unsettled ones and dead letters however old', async () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    await seed(h, now);
    expect(await pruneEventTables(h.db, { retentionMs: RETENTION_MS, now: new Date(now), batchSize: 1 })).toEqual(PRUNED);
    expect(await counts(h)).toEqual({ outbox: 3, event_deliveries: 3, processed_events: 3, event_attempts: 4, dead_letters: 2, event_holds: 1, cancelled_orders: 1 });
    expect(await h.count('SELECT count(*) FROM outbox WHERE published_at IS NULL')).toBe(1);
    expect(await h.count('SELECT count(*) FROM event_deliveries WHERE delivered_at IS NULL')).toBe(1);
    // A second pass finds nothing more.
    expect(await pruneEventTables(h.db, { retentionMs: RETENTION_MS, now: new Date(now) })).toEqual({ outbox: 0, event_deliveries: 0 });
  });

  it('keeps the published and delivered totals and counters exact across a pass, the pruned rows tallied per type and subscriber', async () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    await seed(h, now);
    await seedOther(h, now);
    const expected = {
      outbox: [
        { source: 'erp', type: 'thing.happened', total: 5, published: 4, unpublished: 1 },
        { source: 'erp', type: 'thing.other', total: 3, published: 3, unpublished: 0 },
      ],
      deliveries: [
        { subscriber: 'billing', delivered: 4, pending: 1 },
        { subscriber: 'logistics', delivered: 3, pending: 0 },
      ],
      published: { 'thing.happened': 4, 'thing.other': 3 },
      delivered: { billing: 4, logistics: 3 },
    };
    expect(await totals(h)).toEqual(expected);

    // Batches of two: the tallies of one key are added to by several statements.
    expect(await pruneEventTables(h.db, { retentionMs: RETENTION_MS, now: new Date(now), batchSize: 2 })).toEqual({ outbox: 5, event_deliveries: 5 });
    expect(await h.count('SELECT count(*) FROM outbox')).toBe(3);
    expect(await h.count('SELECT count(*) FROM event_deliveries')).toBe(3);
    const tallied = {
      outbox: [
        { source: 'erp', type: 'thing.happened', published: 2 },
        { source: 'erp', type: 'thing.other', published: 3 },
      ],
      deliveries: [
        { subscriber: 'billing', delivered: 2 },
        { subscriber: 'logistics', delivered: 3 },
      ],
    };
    expect(await tallies(h)).toEqual(tallied);
    expect(await totals(h)).toEqual(expected);

    // A second pass finds nothing, and changes neither the tallies nor the totals.
    expect(await pruneEventTables(h.db, { retentionMs: RETENTION_MS, now: new Date(now) })).toEqual({ outbox: 0, event_deliveries: 0 });
    expect(await tallies(h)).toEqual(tallied);
    expect(await totals(h)).toEqual(expected);
  });

  it('counts what the background pass pruned per table in bizgraph_subgraph_event_rows_pruned_total', async () => {
    await seed(h, Date.now());
    const pruner = startPruner({ db: h.db, retentionHours: 168, firstPassAfterMs: 0, log: h.log });
    try {
      await waitFor(async () => pruner.pruned().event_deliveries === PRUNED.event_deliveries, { what: 'the first pass' });
      const registry = new Registry();
      const runtime = { stats: () => ({ relay: null, consumers: [] }), transport: { kind: 'http' } as never, pruned: () => pruner.pruned() };
      registerEventMetrics(registry, { name: 'billing', db: h.db, runtime, handlers: [] });
      const metric = (await registry.getMetricsAsJSON()).find((family) => family.name === 'bizgraph_subgraph_event_rows_pruned_total');
      expect(Object.fromEntries(metric!.values.map((value) => [value.labels.table, value.value]))).toEqual(PRUNED);
    } finally {
      await pruner.close();
    }
  });

  it('still recognises a redelivery as a duplicate after a pass, however old its processed record', async () => {
    const calls: BusinessEvent[] = [];
    const consumers = await h.startConsumers([thingHandler('test.kept', calls)]);
    const event = await h.record('A', 1);
    // Applied thirty days ago (past the retention), and delivered again now: a replayed dead letter, a recreated consumer.
    await h.db.query(`INSERT INTO processed_events (consumer, event_id, processed_at) VALUES ('test.kept', $1, now() - interval '30 days')`, [event.id]);
    expect(await pruneEventTables(h.db, { retentionMs: RETENTION_MS })).toEqual({ outbox: 0, event_deliveries: 0 });
    h.startRelay();
    await waitFor(async () => consumers.stats().some((entry) => entry.duplicates === 1), { what: 'the redelivery counted as a duplicate' });
    expect(calls).toEqual([]);
    expect(await h.effects('test.kept')).toEqual([]);
  });
});

describe('EVENTS_RETENTION_HOURS', () => {
  it('defaults to 168 hours and takes a valid value', () => {
    expect(readEventsConfig({}).retentionHours).toBe(168);
    expect(readEventsConfig({ EVENTS_RETENTION_HOURS: '24' }).retentionHours).toBe(24);
  });

  it('names the variable for a value that is not a whole number of hours of at least 1', () => {
    expect(() => readEventsConfig({ EVENTS_RETENTION_HOURS: '0' })).toThrow('EVENTS_RETENTION_HOURS: expected an integer between 1 and 87600, got "0"');
    expect(() => readEventsConfig({ EVENTS_RETENTION_HOURS: '1.5' })).toThrow('EVENTS_RETENTION_HOURS: expected an integer between 1 and 87600, got "1.5"');
  });
});
