import { readInt, type Env } from '../../../common/config.js';
import type { Queryable } from '../../../common/contracts/sql.js';
import { errorMessage, silentLog, type EventLog } from './transport.js';

/**
 * Retention of the event tables: what a pruning pass deletes once it is older than
 * `EVENTS_RETENTION_HOURS`, and what it never deletes.
 *
 * Pruned, in bounded batches (each its own short statement, so a busy table is never locked long):
 * - `outbox`: published rows (by `published_at`), unless a subscriber's HTTP delivery of the event
 *   is still pending: the dispatcher reads the event from the outbox.
 * - `event_deliveries`: delivered rows (by `delivered_at`), unless their outbox row is still
 *   unpublished: the relay publishing it again must find them, or it would deliver it again.
 * These two hold what grows fastest: every event's payload, once per subscriber. Each batch adds
 * what it deleted to `pruned_outbox_counts` / `pruned_delivery_counts` in the same statement, so the
 * published and delivered totals (operations.ts, and the `_total` counters) still count those rows.
 *
 * Kept:
 * - `processed_events` and `event_attempts`: a consumer's own record of what it did with each
 *   event, one small row each. The process view (`Order.fulfillment`) reads its steps from them,
 *   and logistics keeps no other record of a parcel it booked: pruned, an old order's delivered
 *   parcel would read PENDING. They also make a redelivery or a dead letter replayed months later
 *   a duplicate, with no retention to weigh against the redelivery schedule. Pruning them needs a
 *   durable per-order summary of the steps first;
 * - unpublished outbox rows, pending and retrying deliveries, however old: work not done yet;
 * - `dead_letters`, replayed or not: operators inspect and replay them (operations.ts), and a
 *   replayed one is the record of what was done by hand;
 * - `event_holds`: live state of events being retried, deleted when they settle;
 * - `cancelled_orders`: a late `order.approved` (a replayed dead letter, weeks later) must still
 *   find its order cancelled; one small row per cancelled order, like the orders themselves.
 */

export const PRUNED_TABLES = ['outbox', 'event_deliveries'] as const;
export type PrunedTable = (typeof PRUNED_TABLES)[number];
export type PrunedCounts = Record<PrunedTable, number>;

const HOUR_MS = 3_600_000;

/** `EVENTS_RETENTION_HOURS` (default 168, 7 days; at least 1): how long settled event rows are kept. */
export const readRetentionHours = (env: Env): number => readInt(env, 'EVENTS_RETENTION_HOURS', 168, { min: 1, max: 87_600 });

/** Every pass prunes what aged out since the last: 1/24 of the retention, at most an hour, so rows outlive it by at most ~4 %. */
export const pruneIntervalMs = (retentionMs: number): number => Math.min(HOUR_MS, Math.floor(retentionMs / 24));

/**
 * One batch of each table: `$1` the cutoff, `$2` the batch size; returns the rows deleted.
 * One statement deletes the batch and adds it to its tally (retention-tables.ts), so both commit
 * or neither does: the published and delivered totals count a pruned row exactly once. A row two
 * passes race for is deleted, and returned, by one of them only. The tallies are written in key
 * order, so two passes at once (replicas sharing a database) lock them in the same order.
 */
const BATCHES: Record<PrunedTable, string> = {
  outbox: `WITH pruned AS (
      DELETE FROM outbox WHERE seq IN (
        SELECT o.seq FROM outbox o WHERE o.published_at < $1
           AND NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.seq = o.seq AND d.event_id = o.id AND d.delivered_at IS NULL)
         ORDER BY o.seq LIMIT $2)
      RETURNING source, type
    ), tallied AS (
      INSERT INTO pruned_outbox_counts (source, type, published)
      SELECT source, type, count(*) FROM pruned GROUP BY source, type ORDER BY source, type
      ON CONFLICT (source, type) DO UPDATE SET published = pruned_outbox_counts.published + excluded.published
    )
    SELECT count(*)::int AS deleted FROM pruned`,
  event_deliveries: `WITH pruned AS (
      DELETE FROM event_deliveries WHERE (subscriber, event_id) IN (
        SELECT d.subscriber, d.event_id FROM event_deliveries d WHERE d.delivered_at < $1
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = d.event_id AND o.published_at IS NULL)
         LIMIT $2)
      RETURNING subscriber
    ), tallied AS (
      INSERT INTO pruned_delivery_counts (subscriber, delivered)
      SELECT subscriber, count(*) FROM pruned GROUP BY subscriber ORDER BY subscriber
      ON CONFLICT (subscriber) DO UPDATE SET delivered = pruned_delivery_counts.delivered + excluded.delivered
    )
    SELECT count(*)::int AS deleted FROM pruned`,
};

export interface PruneOptions {
  retentionMs: number;
  /** Rows deleted per statement. Default 1000. */
  batchSize?: number;
  /** The clock the cutoff is taken from. Default: now. */
  now?: Date;
  /** Checked between batches: a closing runtime stops after the batch in progress. */
  stopped?: () => boolean;
  /** Told of each batch as it commits, so a pass that fails halfway still counts what it deleted. */
  onBatch?: (table: PrunedTable, rows: number) => void;
}

/** One pruning pass over every table, in order (outbox rows before deliveries); returns the rows deleted per table. */
export async function pruneEventTables(db: Queryable, options: PruneOptions): Promise<PrunedCounts> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.retentionMs);
  const batchSize = options.batchSize ?? 1000;
  const pruned = emptyCounts();
  for (const table of PRUNED_TABLES) {
    for (;;) {
      if (options.stopped?.()) return pruned;
      const { rows } = await db.query<{ deleted: number }>(BATCHES[table], [cutoff, batchSize]);
      const deleted = Number(rows[0]?.deleted ?? 0);
      pruned[table] += deleted;
      options.onBatch?.(table, deleted);
      if (deleted < batchSize) break;
    }
  }
  return pruned;
}

const emptyCounts = (): PrunedCounts => ({ outbox: 0, event_deliveries: 0 });

export interface PrunerOptions {
  db: Queryable;
  retentionHours: number;
  /** Default: `pruneIntervalMs(retention)`. */
  intervalMs?: number;
  /** The first pass, off the start-up path. Default: a minute, or the interval if shorter. */
  firstPassAfterMs?: number;
  batchSize?: number;
  log?: EventLog;
}

export interface Pruner {
  /** Rows this process pruned since it started, per table. */
  pruned(): PrunedCounts;
  /** Stops after the batch in progress. */
  close(): Promise<void>;
}

/** Runs `pruneEventTables` every interval in the background; a failed pass is logged and tried again next time. */
export function startPruner(options: PrunerOptions): Pruner {
  const log = options.log ?? silentLog;
  const retentionMs = options.retentionHours * HOUR_MS;
  const intervalMs = options.intervalMs ?? pruneIntervalMs(retentionMs);
  const totals = emptyCounts();
  let closed = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  async function pass(): Promise<void> {
    try {
      const pruned = await pruneEventTables(options.db, { retentionMs, batchSize: options.batchSize, stopped: () => closed, onBatch: (table, rows) => (totals[table] += rows) });
      if (PRUNED_TABLES.some((table) => pruned[table] > 0)) log.info({ ...pruned, retentionHours: options.retentionHours }, 'pruned settled event rows past their retention');
    } catch (error) {
      log.warn({ error: errorMessage(error) }, 'event tables could not be pruned; trying again at the next pass');
    }
  }
  const schedule = (ms: number) => {
    timer = setTimeout(() => {
      running = pass().then(() => {
        if (!closed) schedule(intervalMs);
      });
    }, ms);
    timer.unref();
  };
  schedule(options.firstPassAfterMs ?? Math.min(60_000, intervalMs));

  return {
    pruned: () => ({ ...totals }),
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
