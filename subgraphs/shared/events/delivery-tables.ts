/**
 * Delivery state the event runtime keeps beside EVENT_TABLES_V1 (outbox.ts), in the same database,
 * migrated together by every system taking part in business events:
 *
 * - `event_holds` (consumer side, both transports): events a consumer is retrying, and the later
 *   events of the same aggregate waiting behind them, with their place in the producer's order
 *   (`sequence`), so that they are applied in that order even after a restart, when the broker
 *   may redeliver them in another. A row goes when its event is applied, skipped or dead-lettered.
 * - `event_deliveries` (producer side, HTTP transport only): one row per subscribing subgraph and
 *   published event; the relay's publish is durable once these rows exist, and each subscriber's
 *   dispatcher works through its own rows, so a subscriber that is down delays only its own.
 *
 * Frozen: migrations embed it as shipped (a change is a new migration, never an edit of this text).
 */
export const EVENT_DELIVERY_TABLES_V1 = `
  CREATE TABLE event_holds (
    consumer text NOT NULL,
    event_id uuid NOT NULL,
    aggregate_type text NOT NULL,
    aggregate_key text NOT NULL,
    sequence bigint NOT NULL,
    held_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
  );
  CREATE INDEX event_holds_aggregate ON event_holds (consumer, aggregate_type, aggregate_key, sequence);

  CREATE TABLE event_deliveries (
    subscriber text NOT NULL,
    event_id uuid NOT NULL,
    seq bigint NOT NULL,
    aggregate_type text NOT NULL,
    aggregate_key text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    delivered_at timestamptz,
    PRIMARY KEY (subscriber, event_id)
  );
  CREATE INDEX event_deliveries_pending ON event_deliveries (subscriber, seq) WHERE delivered_at IS NULL;
`;
