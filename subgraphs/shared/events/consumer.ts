import { readInt, type Env } from '../../../common/config.js';
import type { Queryable, TransactionalQueryable } from '../../../common/contracts/sql.js';
import type { BusinessEvent } from './envelope.js';
import { failpoint } from './failpoints.js';
import type { EventHandler } from './handler.js';
import { processKey } from './outbox.js';
import { eventSchemas, type EventSchemas } from './schemas.js';
import { inEventSpan } from './tracing.js';
import { backoffMs, errorMessage, silentLog, type Delivery, type EventLog, type EventTransport } from './transport.js';

/** `EVENTS_MAX_DELIVERIES` (default 5): failed deliveries of one event to one consumer before it is dead-lettered. */
export const readMaxDeliveries = (env: Env): number => readInt(env, 'EVENTS_MAX_DELIVERIES', 5, { min: 1, max: 1000 });

export interface ConsumerOptions {
  db: TransactionalQueryable;
  transport: EventTransport;
  handlers: readonly EventHandler[];
  /** Default: `EVENTS_MAX_DELIVERIES` from the environment, else 5. */
  maxDeliveries?: number;
  /** Default: the project's schemas under `schema/events`. */
  schemas?: EventSchemas;
  log?: EventLog;
  /** First retry delay, doubled per failure (default 1 s), and its cap (default 60 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export interface ConsumerCounts {
  consumer: string;
  type: string;
  processed: number;
  /** Already processed (a redelivery): acknowledged, not applied again. */
  duplicates: number;
  retried: number;
  /** Held back behind an earlier event of the same aggregate that is being retried. */
  held: number;
  deadLettered: number;
}

export interface Consumers {
  stats(): ConsumerCounts[];
  close(): Promise<void>;
}

/** `heldBy`: not tried, an earlier event of its aggregate is being retried (the database's hold). */
type Outcome = { done: true } | { done: false; delayMs: number; heldBy?: string };

/** Later events of an aggregate, waiting in this process for its earlier event being retried. */
interface Gate {
  parked: Array<{ sequence: number; release: () => void }>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function startConsumers(options: ConsumerOptions): Promise<Consumers> {
  const { db, handlers } = options;
  const schemas = options.schemas ?? eventSchemas();
  const log = options.log ?? silentLog;
  const maxDeliveries = options.maxDeliveries ?? readMaxDeliveries(process.env);
  const baseMs = options.retryBaseMs ?? 1000;
  const maxMs = options.retryMaxMs ?? 60_000;
  const counts = new Map<string, ConsumerCounts>();
  const count = (consumer: string, type: string, key: Exclude<keyof ConsumerCounts, 'consumer' | 'type'>) => {
    const id = `${consumer}\t${type}`;
    let entry = counts.get(id);
    if (!entry) counts.set(id, (entry = { consumer, type, processed: 0, duplicates: 0, retried: 0, held: 0, deadLettered: 0 }));
    entry[key]++;
  };
  // One chain per consumer and aggregate: its events are applied one at a time, in delivery order.
  const chains = new Map<string, Promise<unknown>>();
  const serialized = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const result = (chains.get(key) ?? Promise.resolve()).then(work, work);
    const tail = result.catch(() => undefined);
    chains.set(key, tail);
    void tail.then(() => chains.get(key) === tail && chains.delete(key));
    return result;
  };

  async function refuseInvalid(delivery: Delivery, reason: string): Promise<void> {
    const body = delivery.event as Partial<BusinessEvent> | undefined;
    const id = typeof body?.id === 'string' && UUID.test(body.id) ? body.id : delivery.messageId && UUID.test(delivery.messageId) ? delivery.messageId : undefined;
    log.error({ subject: delivery.subject, eventId: id ?? null, reason }, `event refused: it fails its JSON Schema (${reason}); dead-lettered, not applied`);
    if (id === undefined) return; // nothing to key a dead letter by: the log line is the record
    for (const handler of delivery.handlers) {
      const orderNumber = (body?.payload as Record<string, unknown> | undefined)?.orderNumber;
      const key = typeof orderNumber === 'string' ? orderNumber : typeof body?.aggregate?.key === 'string' ? body.aggregate.key : null;
      await db.query(
        `INSERT INTO dead_letters (consumer, event_id, event, attempts, last_error, process_key) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (consumer, event_id) DO NOTHING`,
        [handler.consumer, id, JSON.stringify(delivery.event ?? null), delivery.attempt, `schema: ${reason}`, key],
      );
      count(handler.consumer, typeof body?.type === 'string' ? body.type : 'unknown', 'deadLettered');
    }
  }

  /** One consumer's turn at one event: held back, skipped, applied, retried or dead-lettered. */
  async function consume(handler: EventHandler, event: BusinessEvent, delivery: Pick<Delivery, 'attempt' | 'sequence'>): Promise<Outcome> {
    const { rows } = await db.query<{ held_by: string | null; dead: boolean }>(
      `SELECT (SELECT h.event_id FROM event_holds h
                WHERE h.consumer = $1 AND h.aggregate_type = $2 AND h.aggregate_key = $3 AND h.sequence < $5 AND h.event_id <> $4
                ORDER BY h.sequence LIMIT 1) AS held_by,
              EXISTS (SELECT 1 FROM dead_letters d WHERE d.consumer = $1 AND d.event_id = $4 AND d.replayed_at IS NULL) AS dead`,
      [handler.consumer, event.aggregate.type, event.aggregate.key, event.id, delivery.sequence],
    );
    const state = rows[0];
    // Parked until replayed (`replayDeadLetter`): a redelivery must not bypass the dead letter.
    if (state?.dead) {
      await releaseHold(db, handler.consumer, event.id);
      return { done: true };
    }
    if (state?.held_by) {
      // Waits behind an earlier event of its aggregate; the row keeps its place across a restart.
      await hold(db, handler, event, delivery.sequence);
      return { done: false, delayMs: baseMs, heldBy: state.held_by };
    }
    try {
      const span = { operation: 'process', transport: options.transport.kind, consumer: handler.consumer, attempt: delivery.attempt } as const;
      const applied = await inEventSpan(event, span, () => applyOnce(db, handler, event));
      if (applied) failpoint('consumer.after-effect-before-ack');
      count(handler.consumer, event.type, applied ? 'processed' : 'duplicates');
      return { done: true };
    } catch (error) {
      return recordFailure(handler, event, delivery.sequence, errorMessage(error));
    }
  }

  async function recordFailure(handler: EventHandler, event: BusinessEvent, sequence: number, message: string): Promise<Outcome> {
    return db.transaction(async (tx) => {
      const { rows } = await tx.query<{ attempts: number }>(
        `INSERT INTO event_attempts (consumer, event_id, attempts, last_error, event_type, process_key, occurred_at, traceparent) VALUES ($1, $2, 1, $3, $4, $5, $6, $7)
         ON CONFLICT (consumer, event_id) DO UPDATE SET attempts = event_attempts.attempts + 1, last_error = excluded.last_error, last_attempt_at = now()
         RETURNING attempts`,
        [handler.consumer, event.id, message, event.type, processKey(event), event.occurredAt, event.traceparent],
      );
      const attempts = rows[0]?.attempts ?? 1;
      if (attempts >= maxDeliveries) {
        await tx.query(
          `INSERT INTO dead_letters (consumer, event_id, event, attempts, last_error, process_key) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (consumer, event_id) DO UPDATE SET event = excluded.event, attempts = excluded.attempts, last_error = excluded.last_error, dead_at = now(), replayed_at = NULL`,
          [handler.consumer, event.id, JSON.stringify(event), attempts, message, processKey(event)],
        );
        // The aggregate's later events flow again: one poison event must not stop its whole life.
        await releaseHold(tx, handler.consumer, event.id);
        count(handler.consumer, event.type, 'deadLettered');
        log.error({ consumer: handler.consumer, eventId: event.id, type: event.type, attempts, error: message }, 'event dead-lettered after EVENTS_MAX_DELIVERIES failures');
        return { done: true } as const;
      }
      const delayMs = backoffMs(attempts, baseMs, maxMs);
      await hold(tx, handler, event, sequence);
      count(handler.consumer, event.type, 'retried');
      log.warn({ consumer: handler.consumer, eventId: event.id, type: event.type, attempts, delayMs, error: message }, 'event handler failed; retrying later');
      return { done: false, delayMs } as const;
    });
  }

  // Later events of an aggregate whose event is being retried wait here rather than going back to
  // the broker, where their own redelivery timers could swap them; when the aggregate moves on
  // they ask the database again in the producer's order. The retried event, earliest of its
  // aggregate, is never held, so its redelivery gets through.
  const gates = new Map<string, Gate>();
  let closing = false;
  /** Resolves when the aggregate moves on, or after `ms` (another replica may have moved it). */
  const park = (key: string, sequence: number, ms: number) =>
    new Promise<void>((resolve) => {
      let gate = gates.get(key);
      if (!gate) gates.set(key, (gate = { parked: [] }));
      const timer = setTimeout(resolve, ms);
      gate.parked.push({ sequence, release: () => (clearTimeout(timer), resolve()) });
    });
  const open = (key: string) => {
    const gate = gates.get(key);
    gates.delete(key);
    gate?.parked
      .splice(0)
      .sort((a, b) => a.sequence - b.sequence)
      .forEach((waiting) => waiting.release());
  };

  async function gated(key: string, handler: EventHandler, event: BusinessEvent, delivery: Delivery): Promise<Outcome> {
    for (;;) {
      const outcome = await serialized(key, () => consume(handler, event, delivery));
      if (outcome.done || !outcome.heldBy) {
        if (outcome.done && gates.has(key)) open(key); // applied, skipped or dead-lettered: the next in line asks again
        return outcome;
      }
      if (closing) return outcome;
      count(handler.consumer, event.type, 'held');
      await park(key, delivery.sequence, maxMs + baseMs);
      if (closing) return { done: false, delayMs: baseMs };
    }
  }

  async function onDelivery(delivery: Delivery): Promise<void> {
    const check = schemas.validate(delivery.event);
    if (!check.ok) {
      await refuseInvalid(delivery, check.reason);
      return delivery.ack();
    }
    const event = delivery.event as BusinessEvent;
    const outcomes = await Promise.all(delivery.handlers.map((handler) => gated(`${handler.consumer}\t${event.aggregate.type}\t${event.aggregate.key}`, handler, event, delivery)));
    const retries = outcomes.flatMap((outcome) => (outcome.done ? [] : [outcome.delayMs]));
    return retries.length === 0 ? delivery.ack() : delivery.retry(Math.min(...retries));
  }

  const subscription = await options.transport.subscribe(handlers, (delivery) =>
    onDelivery(delivery).catch(async (error: unknown) => {
      // The database itself failed (not the handler): nothing was recorded, so deliver it again.
      log.error({ subject: delivery.subject, error: errorMessage(error) }, 'event delivery could not be processed; retrying');
      await delivery.retry(baseMs).catch(() => undefined);
    }),
  );
  return {
    stats: () => [...counts.values()].map((entry) => ({ ...entry })),
    async close() {
      closing = true;
      [...gates.keys()].forEach(open);
      await subscription.close();
      await Promise.allSettled([...chains.values()]);
    },
  };
}

/** The effect and its processed_events row in one transaction; false when it was already applied. */
async function applyOnce(db: TransactionalQueryable, handler: EventHandler, event: BusinessEvent): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query(insertProcessed, processedParams(handler.consumer, event));
    if (rows.length > 0) await handler.handle(event, tx);
    await releaseHold(tx, handler.consumer, event.id);
    return rows.length > 0;
  });
}

/** A processed_events row with what the process view reads (outbox.ts: `process_key`). */
const insertProcessed = `INSERT INTO processed_events (consumer, event_id, event_type, process_key, occurred_at, traceparent) VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT DO NOTHING RETURNING event_id`;
const processedParams = (consumer: string, event: BusinessEvent) => [consumer, event.id, event.type, processKey(event), event.occurredAt, event.traceparent];

const releaseHold = (tx: Queryable, consumer: string, eventId: string) => tx.query('DELETE FROM event_holds WHERE consumer = $1 AND event_id = $2', [consumer, eventId]);

/** Records the event's place among its aggregate's held events (kept if already there). */
const hold = (tx: Queryable, handler: EventHandler, event: BusinessEvent, sequence: number) =>
  tx.query(`INSERT INTO event_holds (consumer, event_id, aggregate_type, aggregate_key, sequence) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (consumer, event_id) DO NOTHING`, [
    handler.consumer,
    event.id,
    event.aggregate.type,
    event.aggregate.key,
    sequence,
  ]);

export type ReplayOutcome =
  { outcome: 'applied' | 'already-processed' | 'not-found' | 'already-replayed' } | { outcome: 'invalid'; reason: string } | { outcome: 'failed'; error: string };

/**
 * Runs a dead letter through the same idempotent path (processed_events in the effect's
 * transaction) and marks it replayed with the effect; a second replay applies nothing. A failure
 * leaves it dead with the new error and one more attempt.
 */
export async function replayDeadLetter(db: TransactionalQueryable, consumer: EventHandler, eventId: string, options: { schemas?: EventSchemas } = {}): Promise<ReplayOutcome> {
  const { rows } = await db.query<{ event: unknown; replayed_at: Date | null }>('SELECT event, replayed_at FROM dead_letters WHERE consumer = $1 AND event_id = $2', [
    consumer.consumer,
    eventId,
  ]);
  const row = rows[0];
  if (!row) return { outcome: 'not-found' };
  if (row.replayed_at) return { outcome: 'already-replayed' };
  const event: unknown = typeof row.event === 'string' ? JSON.parse(row.event) : row.event;
  const check = (options.schemas ?? eventSchemas()).validate(event);
  if (!check.ok) return { outcome: 'invalid', reason: check.reason };
  try {
    const applied = await db.transaction(async (tx) => {
      const inserted = await tx.query(insertProcessed, processedParams(consumer.consumer, event as BusinessEvent));
      if (inserted.rows.length > 0) await consumer.handle(event as BusinessEvent, tx);
      await tx.query('UPDATE dead_letters SET replayed_at = now() WHERE consumer = $1 AND event_id = $2', [consumer.consumer, eventId]);
      return inserted.rows.length > 0;
    });
    return { outcome: applied ? 'applied' : 'already-processed' };
  } catch (error) {
    await db.query('UPDATE dead_letters SET attempts = attempts + 1, last_error = $3, dead_at = now() WHERE consumer = $1 AND event_id = $2', [
      consumer.consumer,
      eventId,
      errorMessage(error),
    ]);
    return { outcome: 'failed', error: errorMessage(error) };
  }
}
