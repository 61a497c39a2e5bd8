import type { Queryable, TransactionalQueryable } from '../../../common/contracts/sql.js';
import { replayDeadLetter, type ReplayOutcome } from './consumer.js';
import type { EventHandler } from './handler.js';
import type { EventSchemas } from './schemas.js';

/**
 * The rows the operations routes (operations-routes.ts) list and act on, one at a time: dead
 * letters (and their replay) and outbox entries. Totals and rates are in operations.ts.
 */
export interface DeadLetter {
  consumer: string;
  eventId: string;
  type: string | null;
  aggregateType: string | null;
  aggregateKey: string | null;
  attempts: number;
  lastError: string;
  deadAt: string;
  replayedAt: string | null;
}

export interface OutboxEntry {
  seq: number;
  id: string;
  source: string;
  type: string;
  aggregateType: string;
  aggregateKey: string;
  occurredAt: string;
  publishedAt: string | null;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

/** Dead letters, oldest first; replayed ones only with `all`. */
export async function readDeadLetters(db: Queryable, options: { all?: boolean; limit?: number } = {}): Promise<DeadLetter[]> {
  const { rows } = await db.query<{
    consumer: string;
    event_id: string;
    event: unknown;
    attempts: number;
    last_error: string;
    dead_at: Date | string;
    replayed_at: Date | string | null;
  }>(
    `SELECT consumer, event_id, event, attempts, last_error, dead_at, replayed_at FROM dead_letters
      ${options.all ? '' : 'WHERE replayed_at IS NULL'} ORDER BY dead_at, consumer, event_id LIMIT $1`,
    [options.limit ?? 1000],
  );
  return rows.map((row) => {
    const event = (typeof row.event === 'string' ? JSON.parse(row.event) : row.event) as { type?: unknown; aggregate?: { type?: unknown; key?: unknown } } | null;
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    return {
      consumer: row.consumer,
      eventId: row.event_id,
      type: text(event?.type),
      aggregateType: text(event?.aggregate?.type),
      aggregateKey: text(event?.aggregate?.key),
      attempts: Number(row.attempts),
      lastError: row.last_error,
      deadAt: iso(row.dead_at)!,
      replayedAt: iso(row.replayed_at),
    };
  });
}

/** Outbox rows after `after` (a seq, exclusive) in publish order; without `after`, the last `limit`. */
export async function readOutboxEntries(db: Queryable, options: { after?: number; limit?: number }): Promise<OutboxEntry[]> {
  const limit = options.limit ?? 100;
  const columns = 'seq, id, source, type, aggregate_type, aggregate_key, occurred_at, published_at';
  const { rows } = await db.query<{
    seq: string;
    id: string;
    source: string;
    type: string;
    aggregate_type: string;
    aggregate_key: string;
    occurred_at: Date | string;
    published_at: Date | string | null;
  }>(
    options.after === undefined
      ? `SELECT * FROM (SELECT ${columns} FROM outbox ORDER BY seq DESC LIMIT $1) AS last ORDER BY seq`
      : `SELECT ${columns} FROM outbox WHERE seq > $2 ORDER BY seq LIMIT $1`,
    options.after === undefined ? [limit] : [limit, options.after],
  );
  return rows.map((row) => ({
    seq: Number(row.seq),
    id: row.id,
    source: row.source,
    type: row.type,
    aggregateType: row.aggregate_type,
    aggregateKey: row.aggregate_key,
    occurredAt: iso(row.occurred_at)!,
    publishedAt: iso(row.published_at),
  }));
}

export interface ReplayResult {
  consumer: string;
  eventId: string;
  outcome: ReplayOutcome['outcome'];
  error?: string;
}

/**
 * Replays dead letters of this subgraph's consumers: one event (for every consumer that parked it,
 * or only `consumer`), or every dead letter not yet replayed (`all`). Idempotent: a replayed
 * letter answers `already-replayed`, an event applied meanwhile `already-processed`.
 */
export async function replayDeadLetters(
  db: TransactionalQueryable,
  handlers: readonly EventHandler[],
  target: { all: true; consumer?: string } | { eventId: string; consumer?: string },
  schemas?: EventSchemas,
): Promise<ReplayResult[]> {
  const byName = new Map(handlers.map((handler) => [handler.consumer, handler]));
  const { rows } = await db.query<{ consumer: string; event_id: string }>(
    'all' in target
      ? `SELECT consumer, event_id FROM dead_letters WHERE replayed_at IS NULL AND ($1::text IS NULL OR consumer = $1) ORDER BY dead_at, event_id`
      : `SELECT consumer, event_id FROM dead_letters WHERE event_id = $2 AND ($1::text IS NULL OR consumer = $1) ORDER BY consumer`,
    'all' in target ? [target.consumer ?? null] : [target.consumer ?? null, target.eventId],
  );
  const results: ReplayResult[] = [];
  for (const row of rows) {
    const handler = byName.get(row.consumer);
    if (!handler) {
      results.push({ consumer: row.consumer, eventId: row.event_id, outcome: 'failed', error: `no consumer "${row.consumer}" runs in this subgraph` });
      continue;
    }
    const outcome = await replayDeadLetter(db, handler, row.event_id, { schemas });
    results.push({
      consumer: row.consumer,
      eventId: row.event_id,
      outcome: outcome.outcome,
      ...('error' in outcome ? { error: outcome.error } : 'reason' in outcome ? { error: outcome.reason } : {}),
    });
  }
  return results;
}
