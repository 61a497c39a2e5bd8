/**
 * What the retention pass (retention.ts) needs beside EVENT_TABLES_V1 and EVENT_DELIVERY_TABLES_V1,
 * migrated by every system taking part in business events:
 *
 * - `pruned_outbox_counts` and `pruned_delivery_counts`: how many published outbox rows (per
 *   source and type) and delivered deliveries (per subscriber) the pass has deleted, ever. The
 *   published and delivered totals (operations.ts, and the `_total` counters read from them at
 *   scrape time) add these to the rows still there, so pruning never makes a counter go down.
 *   The pass deletes a batch and adds it here in one statement: a crash loses or doubles nothing.
 * - `outbox_published_at` and `event_deliveries_delivered_at`: the pass finds rows older than
 *   the retention by these columns; without an index, each batch scans the whole table. Partial,
 *   because unpublished rows and pending deliveries are never pruned (and have their own indexes).
 *
 * Frozen: migrations embed it as shipped (a change is a new migration, never an edit of this text).
 */
export const EVENT_RETENTION_TABLES_V1 = `
  CREATE TABLE pruned_outbox_counts (
    source text NOT NULL,
    type text NOT NULL,
    published bigint NOT NULL,
    PRIMARY KEY (source, type)
  );
  CREATE TABLE pruned_delivery_counts (
    subscriber text PRIMARY KEY,
    delivered bigint NOT NULL
  );
  CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;
  CREATE INDEX event_deliveries_delivered_at ON event_deliveries (delivered_at) WHERE delivered_at IS NOT NULL;
`;
