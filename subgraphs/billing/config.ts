import { join } from 'node:path';
import { ConfigError, readInt, readNumber, readOptionalUrl, type Env } from '../../common/config.js';
import { DEFAULT_SEED } from '../../systems/seed/generate.js';
import { readSubgraphBaseConfig, type SubgraphBaseConfig } from '../shared/config.js';
import { readEventsConfig, type EventsConfig } from '../shared/events/runtime.js';
import { readProcessSlosConfig, type ProcessSlos } from '../shared/process/slo.js';

export interface BillingSubgraphConfig extends SubgraphBaseConfig {
  /** `BILLING_DATABASE_URL`: a PostgreSQL server; unset → PGlite under `pgliteDir`. */
  databaseUrl?: string;
  /** `<BIZGRAPH_DATA_DIR>/billing/pgdata`, used when `databaseUrl` is unset. */
  pgliteDir: string;
  /** `BILLING_STATEMENT_TIMEOUT_MS` (default 5000): per-statement timeout on the server. */
  statementTimeoutMs: number;
  /** `SEED` / `SEED_SCALE`: the data set seeded into an empty database (same in every process). */
  seed: number;
  seedScale: number;
  /** `BASE_CURRENCY` (default EUR): the ISO 4217 currency amounts are converted into for reporting. */
  baseCurrency: string;
  /** `NATS_URL`, `EVENTS_SIGNING_SECRET`, `EVENTS_MAX_DELIVERIES`, …: business events (subgraphs/shared/events/runtime.ts). */
  events: EventsConfig;
  /** Each fulfillment step's SLO: `processSteps` in schema/owners.yaml, `PROCESS_SLO_OVERRIDES` (the process view, issue 17). */
  processSlos: ProcessSlos;
}

export function readBillingSubgraphConfig(env: Env): BillingSubgraphConfig {
  const base = readSubgraphBaseConfig(env, 4003);
  const seedScale = readNumber(env, 'SEED_SCALE', 1, { min: 0, max: 20 });
  if (seedScale === 0) throw new ConfigError('SEED_SCALE', 'expected a number in (0, 20]');
  return {
    ...base,
    databaseUrl: readOptionalUrl(env, 'BILLING_DATABASE_URL', ['postgres:', 'postgresql:']),
    pgliteDir: join(base.dataDir, 'billing', 'pgdata'),
    statementTimeoutMs: readInt(env, 'BILLING_STATEMENT_TIMEOUT_MS', 5000, { min: 1, max: 600_000 }),
    seed: readInt(env, 'SEED', DEFAULT_SEED, { min: Number.MIN_SAFE_INTEGER }),
    seedScale,
    baseCurrency: readBaseCurrency(env),
    events: readEventsConfig(env),
    processSlos: readProcessSlosConfig(env),
  };
}

function readBaseCurrency(env: Env): string {
  const value = env.BASE_CURRENCY?.trim() || 'EUR';
  if (!/^[A-Z]{3}$/.test(value)) throw new ConfigError('BASE_CURRENCY', 'expected an ISO 4217 code of three upper-case letters, e.g. EUR');
  return value;
}
