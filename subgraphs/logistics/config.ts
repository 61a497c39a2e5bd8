import { readInt, readOptionalUrl, readString, type Env } from '../../common/config.js';
import { readSubgraphBaseConfig, type SubgraphBaseConfig } from '../shared/config.js';
import { readEntityCacheConfig, type EntityCacheConfig } from '../shared/entity-cache/config.js';
import { SHIPMENT_CACHE_TYPES } from './shipment-cache.js';

export interface LogisticsSubgraphConfig extends SubgraphBaseConfig {
  /** `LOGISTICS_API_URL`: the logistics system's REST API, default http://127.0.0.1:4105 (the stand-in). */
  apiUrl: string;
  /** `LOGISTICS_API_KEY`: sent as `x-api-key`, default `dev-logistics-key`. */
  apiKey: string;
  /** `LOGISTICS_TIMEOUT_MS`: longest wait for one call to the system, default 5000. */
  timeoutMs: number;
  /** `LOGISTICS_WEBHOOK_SECRET`: HMAC key of the system's change webhook (`x-logistics-signature`), default `dev-logistics-webhook-secret`. */
  webhookSecret: string;
  /** `ENTITY_CACHE`, `REDIS_URL`, `ENTITY_CACHE_*` (see shared/entity-cache/config.ts). */
  entityCache: EntityCacheConfig;
}

/** `PORT` defaults to 4005. */
export function readLogisticsSubgraphConfig(env: Env): LogisticsSubgraphConfig {
  return {
    ...readSubgraphBaseConfig(env, 4005),
    apiUrl: readOptionalUrl(env, 'LOGISTICS_API_URL', ['http:', 'https:']) ?? 'http://127.0.0.1:4105',
    apiKey: readString(env, 'LOGISTICS_API_KEY', 'dev-logistics-key'),
    timeoutMs: readInt(env, 'LOGISTICS_TIMEOUT_MS', 5000, { min: 1, max: 120_000 }),
    webhookSecret: readString(env, 'LOGISTICS_WEBHOOK_SECRET', 'dev-logistics-webhook-secret'),
    entityCache: readEntityCacheConfig(env, { types: SHIPMENT_CACHE_TYPES }),
  };
}
