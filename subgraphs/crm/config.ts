import { readInt, readOptionalUrl, readString, type Env } from '../../common/config.js';
import { readSubgraphBaseConfig, type SubgraphBaseConfig } from '../shared/config.js';
import { readEntityCacheConfig, type EntityCacheConfig } from '../shared/entity-cache/config.js';
import { CUSTOMER_CACHE_TYPES } from './customer-cache.js';

export interface CrmSubgraphConfig extends SubgraphBaseConfig {
  /** `CRM_API_URL`, default http://127.0.0.1:4101 (the stand-in). */
  apiUrl: string;
  /** `CRM_API_KEY`, default `dev-crm-key`. */
  apiKey: string;
  /** `CRM_TIMEOUT_MS`: whole-call timeout per CRM request, default 5000. */
  timeoutMs: number;
  /** `CRM_WEBHOOK_SECRET`: HMAC key of the CRM's change webhook (`x-crm-signature`), default `dev-crm-webhook-secret`. */
  webhookSecret: string;
  /** `ENTITY_CACHE`, `REDIS_URL`, `ENTITY_CACHE_*` (see shared/entity-cache/config.ts). */
  entityCache: EntityCacheConfig;
}

export function readCrmSubgraphConfig(env: Env): CrmSubgraphConfig {
  return {
    ...readSubgraphBaseConfig(env, 4001),
    apiUrl: readOptionalUrl(env, 'CRM_API_URL', ['http:', 'https:']) ?? 'http://127.0.0.1:4101',
    apiKey: readString(env, 'CRM_API_KEY', 'dev-crm-key'),
    timeoutMs: readInt(env, 'CRM_TIMEOUT_MS', 5000, { min: 1, max: 120_000 }),
    webhookSecret: readString(env, 'CRM_WEBHOOK_SECRET', 'dev-crm-webhook-secret'),
    entityCache: readEntityCacheConfig(env, { types: CUSTOMER_CACHE_TYPES }),
  };
}
