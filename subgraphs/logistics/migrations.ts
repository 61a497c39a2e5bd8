import type { Migration } from '../../common/contracts/sql.js';
import { EVENT_DELIVERY_TABLES_V1 } from '../shared/events/delivery-tables.js';
import { CANCELLED_ORDERS_V1 } from '../shared/events/cancelled-orders.js';
import { EVENT_TABLES_V1 } from '../shared/events/outbox.js';
import { EVENT_RETENTION_TABLES_V1 } from '../shared/events/retention-tables.js';

/**
 * The logistics subgraph's own database: the carrier keeps shipments behind its REST API, so this
 * one holds only what taking part in business events needs (issue 17). It is bizgraph's, not the
 * carrier's, which is why it lives here and not in systems/logistics/ (a REST subgraph reaches its
 * system over HTTP only, and a stand-in imports no subgraph code: eslint.config.js). Applied with
 * `migrate()`; never edit a shipped version: add a new one.
 */

/** Advisory lock key that serialises migrations of replicas sharing one PostgreSQL server. */
export const LOGISTICS_MIGRATION_LOCK_KEY = 4005;

export const LOGISTICS_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'event tables', sql: EVENT_TABLES_V1 + EVENT_DELIVERY_TABLES_V1 + CANCELLED_ORDERS_V1 },
  {
    version: 2,
    name: 'recorded deliveries',
    sql: /* SQL */ `
      -- One row per delivered shipment whose shipment.delivered event is in the outbox: the
      -- carrier repeats webhooks, and two replicas may receive the same one at once; the primary
      -- key makes exactly one of them record it. Kept apart from the outbox, which may be pruned.
      CREATE TABLE recorded_deliveries (
        shipment_id text PRIMARY KEY,
        recorded_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  { version: 3, name: 'event retention tallies and indexes', sql: EVENT_RETENTION_TABLES_V1 },
];
