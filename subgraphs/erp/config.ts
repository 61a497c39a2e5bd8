import { ConfigError, readInt, readOptionalUrl, type Env } from '../../common/config.js';
import { datasetFromEnv } from '../../systems/seed/generate.js';
import type { Dataset } from '../../systems/seed/types.js';
import { readSubgraphBaseConfig, type SubgraphBaseConfig } from '../shared/config.js';
import { readEventsConfig, type EventsConfig } from '../shared/events/runtime.js';
import { readProcessSlosConfig, type ProcessSlos } from '../shared/process/slo.js';

export interface ErpSubgraphConfig extends SubgraphBaseConfig {
  /** `ERP_DATABASE_URL`: a PostgreSQL server; unset → PGlite under `<dataDir>/erp/pgdata`. */
  databaseUrl: string | undefined;
  /** `ERP_STATEMENT_TIMEOUT_MS` (default 5000): per-statement timeout on a server. */
  statementTimeoutMs: number;
  /** `SEED` / `SEED_SCALE`: the data set loaded into an empty database. */
  dataset: Dataset;
  /** `NATS_URL`, `EVENTS_SIGNING_SECRET`, `EVENTS_MAX_DELIVERIES`, …: business events (subgraphs/shared/events/runtime.ts). */
  events: EventsConfig;
  /** Each fulfillment step's SLO: `processSteps` in schema/owners.yaml, `PROCESS_SLO_OVERRIDES` (the process view, issue 17). */
  processSlos: ProcessSlos;
}

export const ERP_DEFAULT_PORT = 4002;

export function readErpSubgraphConfig(env: Env): ErpSubgraphConfig {
  let dataset: Dataset;
  try {
    dataset = datasetFromEnv(env);
  } catch (error) {
    // datasetFromEnv names the variable first ("SEED_SCALE: …"); keep it as a ConfigError.
    const message = (error as Error).message;
    const variable = message.startsWith('SEED_SCALE') ? 'SEED_SCALE' : 'SEED';
    throw new ConfigError(variable, message.slice(message.indexOf(':') + 1).trim());
  }
  return {
    ...readSubgraphBaseConfig(env, ERP_DEFAULT_PORT),
    databaseUrl: readOptionalUrl(env, 'ERP_DATABASE_URL', ['postgres:', 'postgresql:']),
    statementTimeoutMs: readInt(env, 'ERP_STATEMENT_TIMEOUT_MS', 5000, { min: 1, max: 600_000 }),
    dataset,
    events: readEventsConfig(env),
    processSlos: readProcessSlosConfig(env),
  };
}
