import type { Queryable } from '../../../common/contracts/sql.js';
import type { EventHandler } from './handler.js';
import type { EventsRuntime } from './runtime.js';
import type { EventSchemas } from './schemas.js';

/**
 * What the operations routes (operations-routes.ts) and the metrics (event-metrics.ts) read of one
 * subgraph's event tables: durable totals from its database, beside the runtime's since-start
 * counters. Pure reads over a `Queryable`, so both PGlite and PostgreSQL serve them.
 */

/** Events of one `<source>.<type>`: ever recorded, ever published (both counting pruned rows), waiting for the relay. */
export interface OutboxCount {
  source: string;
  type: string;
  total: number;
  published: number;
  unpublished: number;
}

/** One consumer's durable totals (processed_events, dead_letters, event_holds). */
export interface ConsumerTotals {
  consumer: string;
  subjects: readonly string[];
  /** Events applied (or found applied on replay): rows of processed_events. */
  processed: number;
  /** Dead letters not yet replayed. */
  deadLettered: number;
  /** Dead letters replayed. */
  replayed: number;
  /** Events received but not yet applied: being retried, or waiting behind an earlier one of their aggregate. */
  held: number;
}

/** HTTP transport, producer side: one subscribing subgraph's deliveries (event_deliveries). */
export interface DeliveryCount {
  subscriber: string;
  /** Ever, pruned deliveries included. */
  delivered: number;
  pending: number;
}

export interface EventStats {
  subgraph: string;
  transport: 'jetstream' | 'http';
  /** This subgraph's outbox (producers only). */
  outbox: OutboxCount[] | null;
  /** Age of the oldest unpublished outbox row in seconds; 0 when every row is published. */
  oldestUnpublishedSeconds: number;
  relay: { published: number; failures: number; lastError: string | null } | null;
  deliveries: DeliveryCount[];
  consumers: ConsumerTotals[];
  /**
   * JetStream: per declared consumer, events in the stream it has not acknowledged yet, as the
   * broker counts them. Null over HTTP (the producer counts undelivered events) or when the
   * broker did not answer. A consumer whose backlog grows is losing time against the stream's
   * `max_age` (EVENTS_RETENTION_HOURS): past it, the broker drops what it has not acknowledged.
   */
  backlog: Array<{ consumer: string; events: number }> | null;
  /** The runtime's counters since this process started, per consumer and event type. */
  sinceStart: ReturnType<EventsRuntime['stats']>['consumers'];
}

export interface EventOperationsSource {
  name: string;
  db: Queryable;
  /** `pruned`: the retention pass's counts since start (a runtime stand-in may leave it out). */
  runtime: Pick<EventsRuntime, 'stats' | 'transport'> & Partial<Pick<EventsRuntime, 'pruned'>>;
  /** Set when the subgraph produces events. */
  producer?: string;
  handlers: readonly EventHandler[];
  /** What a replayed event is checked against. @default the project's schemas under `schema/events` */
  schemas?: EventSchemas;
}

/** Pruned outbox rows (retention.ts) stay counted through their tally: `total` and `published` never go down. */
export async function readOutboxCounts(db: Queryable): Promise<OutboxCount[]> {
  const { rows } = await db.query<{ source: string; type: string; total: string; published: string }>(
    `SELECT source, type, sum(total) AS total, sum(published) AS published FROM (
        SELECT source, type, count(*) AS total, count(published_at) AS published FROM outbox GROUP BY source, type
        UNION ALL
        SELECT source, type, published, published FROM pruned_outbox_counts
      ) AS counts
      GROUP BY source, type ORDER BY source, type`,
  );
  return rows.map((row) => ({
    source: row.source,
    type: row.type,
    total: Number(row.total),
    published: Number(row.published),
    unpublished: Number(row.total) - Number(row.published),
  }));
}

export async function readOldestUnpublishedSeconds(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ oldest: Date | string | null }>('SELECT min(occurred_at) AS oldest FROM outbox WHERE published_at IS NULL');
  const oldest = rows[0]?.oldest;
  return oldest ? Math.max(0, (Date.now() - new Date(oldest).getTime()) / 1000) : 0;
}

export async function readConsumerTotals(db: Queryable, handlers: readonly EventHandler[]): Promise<ConsumerTotals[]> {
  if (handlers.length === 0) return [];
  const names = handlers.map((handler) => handler.consumer);
  const { rows } = await db.query<{ consumer: string; processed: string; dead: string; replayed: string; held: string }>(
    `SELECT c.consumer,
            (SELECT count(*) FROM processed_events p WHERE p.consumer = c.consumer) AS processed,
            (SELECT count(*) FROM dead_letters d WHERE d.consumer = c.consumer AND d.replayed_at IS NULL) AS dead,
            (SELECT count(*) FROM dead_letters d WHERE d.consumer = c.consumer AND d.replayed_at IS NOT NULL) AS replayed,
            (SELECT count(*) FROM event_holds h WHERE h.consumer = c.consumer) AS held
       FROM unnest($1::text[]) AS c(consumer)`,
    [names],
  );
  const byName = new Map(rows.map((row) => [row.consumer, row]));
  return handlers.map((handler) => {
    const row = byName.get(handler.consumer);
    return {
      consumer: handler.consumer,
      subjects: handler.subjects,
      processed: Number(row?.processed ?? 0),
      deadLettered: Number(row?.dead ?? 0),
      replayed: Number(row?.replayed ?? 0),
      held: Number(row?.held ?? 0),
    };
  });
}

/** HTTP producer side; empty on JetStream (the table stays empty there). Pruned deliveries stay counted through their tally. */
export async function readDeliveryCounts(db: Queryable): Promise<DeliveryCount[]> {
  const { rows } = await db.query<{ subscriber: string; delivered: string; pending: string }>(
    `SELECT subscriber, sum(delivered) AS delivered, sum(pending) AS pending FROM (
        SELECT subscriber, count(delivered_at) AS delivered, count(*) - count(delivered_at) AS pending FROM event_deliveries GROUP BY subscriber
        UNION ALL
        SELECT subscriber, delivered, 0 FROM pruned_delivery_counts
      ) AS counts
      GROUP BY subscriber ORDER BY subscriber`,
  );
  return rows.map((row) => ({ subscriber: row.subscriber, delivered: Number(row.delivered), pending: Number(row.pending) }));
}

export async function readEventStats(source: EventOperationsSource): Promise<EventStats> {
  const { db, producer } = source;
  const stats = source.runtime.stats();
  const [outbox, oldest, consumers, deliveries, backlog] = await Promise.all([
    producer ? readOutboxCounts(db) : null,
    producer ? readOldestUnpublishedSeconds(db) : 0,
    readConsumerTotals(db, source.handlers),
    producer && source.runtime.transport.kind === 'http' ? readDeliveryCounts(db) : [],
    readBacklog(source),
  ]);
  return {
    subgraph: source.name,
    transport: source.runtime.transport.kind,
    outbox,
    oldestUnpublishedSeconds: oldest,
    relay: stats.relay ? { published: stats.relay.published, failures: stats.relay.failures, lastError: stats.relay.lastError } : null,
    deliveries,
    consumers,
    backlog,
    sinceStart: stats.consumers,
  };
}

/** The broker's backlog of this subgraph's consumers; null without one, or when it does not answer (the database figures still count). */
async function readBacklog(source: EventOperationsSource): Promise<EventStats['backlog']> {
  const { transport } = source.runtime;
  if (!transport.backlog || source.handlers.length === 0) return null;
  try {
    const backlog = await transport.backlog(source.handlers.map((handler) => handler.consumer));
    return [...backlog].map(([consumer, events]) => ({ consumer, events }));
  } catch {
    return null;
  }
}
