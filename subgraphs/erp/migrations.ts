import type { Migration } from '../../common/contracts/sql.js';
import { ERP_MIGRATIONS } from '../../systems/erp/migrations.js';
import { EVENT_DELIVERY_TABLES_V1 } from '../shared/events/delivery-tables.js';
import { EVENT_TABLES_V1 } from '../shared/events/outbox.js';
import { EVENT_RETENTION_TABLES_V1 } from '../shared/events/retention-tables.js';

/**
 * Every migration the erp subgraph applies to the ERP's database: the ERP's own schema
 * (`systems/erp/migrations.ts`, versions 1–4), then the business events tables every system
 * taking part in events keeps (issue 17), embedded as shipped. They live here because `systems/`
 * may not import `subgraphs/` (eslint.config.js); the version numbers are one sequence.
 */
export const ERP_DATABASE_MIGRATIONS: readonly Migration[] = [
  ...ERP_MIGRATIONS,
  { version: 5, name: 'business events', sql: EVENT_TABLES_V1 + EVENT_DELIVERY_TABLES_V1 },
  { version: 6, name: 'event retention tallies and indexes', sql: EVENT_RETENTION_TABLES_V1 },
];
