import { Counter, Gauge, type Registry } from 'prom-client';
import { readEventStats, type EventOperationsSource, type EventStats } from './operations.js';
import { PRUNED_TABLES } from './retention.js';

/** Outcomes of `bizgraph_subgraph_consumer_events_total`, from the runtime's counters. */
const OUTCOMES = [
  ['processed', 'processed'],
  ['duplicates', 'duplicate'],
  ['retried', 'retried'],
  ['held', 'held'],
  ['deadLettered', 'dead_lettered'],
] as const;

/** One scrape reads the database once, however many families ask (prom-client collects each in turn). */
const SNAPSHOT_REUSE_MS = 500;

/**
 * A taking-part subgraph's business-event series, read at scrape time (as the other subgraph
 * series are): durable totals from its database (outbox, event_deliveries, dead_letters,
 * event_holds) and the runtime's since-start counters. Nothing is counted twice on the hot path.
 * The published and delivered counters include the pruned rows' tallies (retention-tables.ts), so
 * the retention pass never makes them go down (which `rate()` would read as a reset).
 * A database that cannot answer (closing) leaves these families empty for that scrape.
 */
export function registerEventMetrics(registry: Registry, source: EventOperationsSource): void {
  let last: { at: number; stats: Promise<EventStats | null> } | undefined;
  const snapshot = () => {
    if (!last || Date.now() - last.at > SNAPSHOT_REUSE_MS) last = { at: Date.now(), stats: readEventStats(source).catch(() => null) };
    return last.stats;
  };
  const registers = [registry];
  const family = <T extends Counter<string> | Gauge<string>>(metric: T, fill: (metric: T, stats: EventStats) => void) => {
    (metric as unknown as { collect: () => Promise<void> }).collect = async () => {
      metric.reset();
      const stats = await snapshot();
      if (stats) fill(metric, stats);
    };
  };

  if (source.producer) {
    family(
      new Counter({
        name: 'bizgraph_subgraph_outbox_published_total',
        help: 'Outbox events ever published (accepted by the transport), by event type; rows the retention pass pruned stay counted.',
        labelNames: ['type'],
        registers,
      }),
      (metric, stats) => {
        for (const row of stats.outbox ?? []) metric.inc({ type: row.type }, row.published);
      },
    );
    family(
      new Gauge({ name: 'bizgraph_subgraph_outbox_unpublished', help: 'Outbox events not yet published, by event type.', labelNames: ['type'], registers }),
      (metric, stats) => {
        for (const row of stats.outbox ?? []) metric.set({ type: row.type }, row.unpublished);
      },
    );
    family(
      new Gauge({ name: 'bizgraph_subgraph_outbox_oldest_unpublished_seconds', help: 'Age of the oldest unpublished outbox row (0: all published).', registers }),
      (metric, stats) => metric.set(stats.oldestUnpublishedSeconds),
    );
    family(
      new Counter({ name: 'bizgraph_subgraph_outbox_publish_failures_total', help: 'Relay rounds that failed to publish (transport down or refusing), since start.', registers }),
      (metric, stats) => metric.inc(stats.relay?.failures ?? 0),
    );
    family(
      new Counter({
        name: 'bizgraph_subgraph_outbox_delivered_total',
        help: 'HTTP transport: events ever delivered to a subscribing subgraph (2xx), by subscriber; deliveries the retention pass pruned stay counted.',
        labelNames: ['subscriber'],
        registers,
      }),
      (metric, stats) => {
        for (const row of stats.deliveries) metric.inc({ subscriber: row.subscriber }, row.delivered);
      },
    );
    family(
      new Gauge({
        name: 'bizgraph_subgraph_outbox_undelivered',
        help: 'HTTP transport: published events not yet delivered to a subscriber, by subscriber.',
        labelNames: ['subscriber'],
        registers,
      }),
      (metric, stats) => {
        for (const row of stats.deliveries) metric.set({ subscriber: row.subscriber }, row.pending);
      },
    );
  }
  const pruned = source.runtime.pruned;
  if (pruned) {
    // The runtime's own counts, not the database's: no scrape-time query needed.
    const metric = new Counter({
      name: 'bizgraph_subgraph_event_rows_pruned_total',
      help: 'Settled event rows deleted by the retention pass (EVENTS_RETENTION_HOURS) since start, by table (outbox, event_deliveries).',
      labelNames: ['table'],
      registers,
    });
    (metric as unknown as { collect: () => void }).collect = () => {
      metric.reset();
      const counts = pruned();
      for (const table of PRUNED_TABLES) metric.inc({ table }, counts[table]);
    };
  }
  if (source.handlers.length === 0) return;
  family(
    new Counter({
      name: 'bizgraph_subgraph_consumer_events_total',
      help: 'Deliveries settled by each consumer since start, by event type and outcome (processed, duplicate, retried, held, dead_lettered); processed + duplicate + dead_lettered are the acknowledged ones.',
      labelNames: ['consumer', 'type', 'outcome'],
      registers,
    }),
    (metric, stats) => {
      for (const row of stats.sinceStart) for (const [key, outcome] of OUTCOMES) metric.inc({ consumer: row.consumer, type: row.type, outcome }, row[key]);
    },
  );
  family(
    new Gauge({
      name: 'bizgraph_subgraph_consumer_lag_events',
      help: 'Events a consumer received but has not applied yet (retrying, or waiting behind an earlier event of their aggregate).',
      labelNames: ['consumer'],
      registers,
    }),
    (metric, stats) => {
      for (const row of stats.consumers) metric.set({ consumer: row.consumer }, row.held);
    },
  );
  family(
    new Gauge({
      name: 'bizgraph_subgraph_consumer_backlog_events',
      help: 'JetStream: events in the stream a consumer has not acknowledged yet (not delivered or in flight), as the broker counts them. The stream drops what is older than EVENTS_RETENTION_HOURS, acknowledged or not.',
      labelNames: ['consumer'],
      registers,
    }),
    (metric, stats) => {
      for (const row of stats.backlog ?? []) metric.set({ consumer: row.consumer }, row.events);
    },
  );
  family(new Gauge({ name: 'bizgraph_subgraph_dead_letters', help: 'Dead letters not yet replayed, by consumer.', labelNames: ['consumer'], registers }), (metric, stats) => {
    for (const row of stats.consumers) metric.set({ consumer: row.consumer }, row.deadLettered);
  });
}
