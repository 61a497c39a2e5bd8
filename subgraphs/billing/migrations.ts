import type { Migration } from '../../common/contracts/sql.js';
import { BILLING_MIGRATIONS } from '../../systems/billing/migrations.js';
import { EVENT_DELIVERY_TABLES_V1 } from '../shared/events/delivery-tables.js';
import { CANCELLED_ORDERS_V1 } from '../shared/events/cancelled-orders.js';
import { EVENT_TABLES_V1 } from '../shared/events/outbox.js';
import { EVENT_RETENTION_TABLES_V1 } from '../shared/events/retention-tables.js';

/**
 * Every migration the billing subgraph applies to billing's database: billing's own schema
 * (`systems/billing/migrations.ts`, versions 1–6), then the business events tables every system
 * taking part in events keeps (issue 17), embedded as shipped. They live here because `systems/`
 * may not import `subgraphs/` (eslint.config.js); the version numbers are one sequence.
 */
export const BILLING_DATABASE_MIGRATIONS: readonly Migration[] = [
  ...BILLING_MIGRATIONS,
  { version: 7, name: 'business events', sql: EVENT_TABLES_V1 + EVENT_DELIVERY_TABLES_V1 + CANCELLED_ORDERS_V1 },
  { version: 8, name: 'event retention tallies and indexes', sql: EVENT_RETENTION_TABLES_V1 },
];
