import { readOptionalUrl, readSecret, type Env } from '../../common/config.js';
import { readRestSystemConfig, readSubgraphBaseConfig, type RestSystemConfig, type SubgraphBaseConfig } from '../shared/config.js';
import { readEntityCacheConfig, type EntityCacheConfig } from '../shared/entity-cache/config.js';
import { readEventsConfig, type EventsConfig } from '../shared/events/runtime.js';
import { readProcessSlosConfig, type ProcessSlos } from '../shared/process/slo.js';
import { SHIPMENT_CACHE_TYPES } from './shipment-cache.js';

/** `LOGISTICS_API_URL` (default http://127.0.0.1:4105, the stand-in), `LOGISTICS_API_KEY` (`dev-logistics-key`), `LOGISTICS_TIMEOUT_MS`. */
export interface LogisticsSubgraphConfig extends SubgraphBaseConfig, RestSystemConfig {
  /** `LOGISTICS_WEBHOOK_SECRET`: HMAC key of the system's change webhook (`x-logistics-signature`), default `dev-logistics-webhook-secret`, refused in production. */
  webhookSecret: string;
  /** `ENTITY_CACHE`, `REDIS_URL`, `ENTITY_CACHE_*` (see shared/entity-cache/config.ts). */
  entityCache: EntityCacheConfig;
  /** `LOGISTICS_DATABASE_URL`: a PostgreSQL server for the subgraph's events (outbox, processed events); unset → PGlite under `<dataDir>/logistics/pgdata`. */
  databaseUrl: string | undefined;
  /** `NATS_URL`, `EVENTS_SIGNING_SECRET`, `EVENTS_MAX_DELIVERIES`, …: business events (subgraphs/shared/events/runtime.ts). */
  events: EventsConfig;
  /** Each fulfillment step's SLO: `processSteps` in schema/owners.yaml, `PROCESS_SLO_OVERRIDES` (the process view, issue 17). */
  processSlos: ProcessSlos;
}

/** `PORT` defaults to 4005. */
export function readLogisticsSubgraphConfig(env: Env): LogisticsSubgraphConfig {
  return {
    ...readSubgraphBaseConfig(env, 4005),
    ...readRestSystemConfig(env, 'LOGISTICS', { apiUrl: 'http://127.0.0.1:4105', apiKey: 'dev-logistics-key' }),
    webhookSecret: readSecret(env, 'LOGISTICS_WEBHOOK_SECRET', 'dev-logistics-webhook-secret'),
    entityCache: readEntityCacheConfig(env, { types: SHIPMENT_CACHE_TYPES }),
    databaseUrl: readOptionalUrl(env, 'LOGISTICS_DATABASE_URL', ['postgres:', 'postgresql:']),
    events: readEventsConfig(env),
    processSlos: readProcessSlosConfig(env),
  };
}
