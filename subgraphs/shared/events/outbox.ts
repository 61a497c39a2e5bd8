import type { Queryable } from '../../../common/contracts/sql.js';
import { activeTraceparent, uuidv7, type BusinessEvent } from './envelope.js';

/**
 * The tables every system taking part in business events keeps in its own database (issue 17):
 *
 * - `outbox`: events this system produced, written in the same transaction as the change they
 *   describe; `seq` is the publish order, `published_at` is set by the relay once the transport
 *   accepted the event (a crash before that publishes it again: at least once, never lost).
 * - `processed_events`: events this system's consumers applied, one row per consumer and event,
 *   written in the same transaction as the effect: a redelivered event is acknowledged and skipped.
 * - `event_attempts`: failed deliveries so far per consumer and event, with the last error.
 * - `dead_letters`: events a consumer gave up on after `EVENTS_MAX_DELIVERIES`, with the last error,
 *   until replayed.
 *
 * `process_key` (with `event_type`, `occurred_at`, `traceparent`) lets a system answer for its
 * steps of one business process (the process view, `Order.fulfillment`): the payload's
 * `orderNumber` when it has one, else the aggregate's key (see `processKey`).
 *
 * Frozen: migrations embed it as shipped (a change is a new migration, never an edit of this text).
 */
export const EVENT_TABLES_V1 = `
  CREATE TABLE outbox (
    seq bigserial PRIMARY KEY,
    id uuid NOT NULL UNIQUE,
    type text NOT NULL,
    version integer NOT NULL,
    source text NOT NULL,
    aggregate_type text NOT NULL,
    aggregate_key text NOT NULL,
    occurred_at timestamptz NOT NULL,
    traceparent text,
    payload jsonb NOT NULL,
    published_at timestamptz
  );
  CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;
  CREATE INDEX outbox_aggregate ON outbox (aggregate_type, aggregate_key, seq);

  CREATE TABLE processed_events (
    consumer text NOT NULL,
    event_id uuid NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    event_type text,
    process_key text,
    occurred_at timestamptz,
    traceparent text,
    PRIMARY KEY (consumer, event_id)
  );
  CREATE INDEX processed_events_process ON processed_events (process_key, consumer);

  CREATE TABLE event_attempts (
    consumer text NOT NULL,
    event_id uuid NOT NULL,
    attempts integer NOT NULL,
    last_error text NOT NULL,
    last_attempt_at timestamptz NOT NULL DEFAULT now(),
    event_type text,
    process_key text,
    occurred_at timestamptz,
    traceparent text,
    PRIMARY KEY (consumer, event_id)
  );
  CREATE INDEX event_attempts_process ON event_attempts (process_key, consumer);

  CREATE TABLE dead_letters (
    consumer text NOT NULL,
    event_id uuid NOT NULL,
    event jsonb NOT NULL,
    attempts integer NOT NULL,
    last_error text NOT NULL,
    dead_at timestamptz NOT NULL DEFAULT now(),
    replayed_at timestamptz,
    process_key text,
    PRIMARY KEY (consumer, event_id)
  );
  CREATE INDEX dead_letters_process ON dead_letters (process_key, consumer);
`;

/**
 * The business process an event belongs to, as the consumer tables record it: the order number
 * of issue 17's order flow (every event of it carries `payload.orderNumber`), else the aggregate's key.
 */
export function processKey(event: Pick<BusinessEvent, 'aggregate' | 'payload'>): string {
  const orderNumber = (event.payload as Record<string, unknown> | undefined)?.orderNumber;
  return typeof orderNumber === 'string' && orderNumber.length > 0 ? orderNumber : event.aggregate.key;
}

export interface NewEvent<Payload extends Record<string, unknown>> {
  type: string;
  version: number;
  source: string;
  aggregate: { type: string; key: string };
  payload: Payload;
  /** Defaults to the active trace context's (the request's SERVER span). */
  traceparent?: string | null;
}

/**
 * Writes one event to the outbox inside the caller's transaction `tx`, the one that makes the
 * change: both commit or neither does. Returns the event as transports will carry it.
 */
export async function recordEvent<Payload extends Record<string, unknown>>(tx: Queryable, input: NewEvent<Payload>): Promise<BusinessEvent<Payload>> {
  const now = Date.now();
  const event: BusinessEvent<Payload> = {
    id: uuidv7(now),
    type: input.type,
    version: input.version,
    source: input.source,
    aggregate: { type: input.aggregate.type, key: input.aggregate.key },
    occurredAt: new Date(now).toISOString(),
    traceparent: input.traceparent === undefined ? activeTraceparent() : input.traceparent,
    payload: input.payload,
  };
  await tx.query(
    `INSERT INTO outbox (id, type, version, source, aggregate_type, aggregate_key, occurred_at, traceparent, payload)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [event.id, event.type, event.version, event.source, event.aggregate.type, event.aggregate.key, event.occurredAt, event.traceparent, JSON.stringify(event.payload)],
  );
  return event;
}

/** An outbox row as the relay and the HTTP dispatcher read it (`eventFromRow` makes the event). */
export interface OutboxRow {
  seq: number;
  id: string;
  type: string;
  version: number;
  source: string;
  aggregate_type: string;
  aggregate_key: string;
  occurred_at: Date | string;
  traceparent: string | null;
  payload: Record<string, unknown> | string;
}

/** Reads outbox rows back as events (the relay; tests). */
export function eventFromRow(row: OutboxRow): BusinessEvent & { seq: number } {
  return {
    seq: Number(row.seq),
    id: row.id,
    type: row.type,
    version: row.version,
    source: row.source,
    aggregate: { type: row.aggregate_type, key: row.aggregate_key },
    occurredAt: new Date(row.occurred_at).toISOString(),
    traceparent: row.traceparent,
    payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload,
  };
}

/** The outbox's rows in publish order, from `afterSeq` (exclusive); unpublished only unless `all`. */
export async function readOutbox(db: Queryable, options: { afterSeq?: number; limit?: number; all?: boolean } = {}): Promise<Array<BusinessEvent & { seq: number }>> {
  const { rows } = await db.query<OutboxRow>(
    `SELECT seq, id, type, version, source, aggregate_type, aggregate_key, occurred_at, traceparent, payload
       FROM outbox WHERE seq > $1 ${options.all ? '' : 'AND published_at IS NULL'} ORDER BY seq LIMIT $2`,
    [options.afterSeq ?? 0, options.limit ?? 100],
  );
  return rows.map(eventFromRow);
}
