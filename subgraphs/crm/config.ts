import { readSecret, type Env } from '../../common/config.js';
import { readRestSystemConfig, readSubgraphBaseConfig, type RestSystemConfig, type SubgraphBaseConfig } from '../shared/config.js';
import { readEntityCacheConfig, type EntityCacheConfig } from '../shared/entity-cache/config.js';
import { CUSTOMER_CACHE_TYPES } from './customer-cache.js';

/** `CRM_API_URL` (default http://127.0.0.1:4101, the stand-in), `CRM_API_KEY` (`dev-crm-key`), `CRM_TIMEOUT_MS`. */
export interface CrmSubgraphConfig extends SubgraphBaseConfig, RestSystemConfig {
  /** `CRM_WEBHOOK_SECRET`: HMAC key of the CRM's change webhook (`x-crm-signature`), default `dev-crm-webhook-secret`, refused in production. */
  webhookSecret: string;
  /** `ENTITY_CACHE`, `REDIS_URL`, `ENTITY_CACHE_*` (see shared/entity-cache/config.ts). */
  entityCache: EntityCacheConfig;
}

/** `PORT` defaults to 4001. */
export function readCrmSubgraphConfig(env: Env): CrmSubgraphConfig {
  return {
    ...readSubgraphBaseConfig(env, 4001),
    ...readRestSystemConfig(env, 'CRM', { apiUrl: 'http://127.0.0.1:4101', apiKey: 'dev-crm-key' }),
    webhookSecret: readSecret(env, 'CRM_WEBHOOK_SECRET', 'dev-crm-webhook-secret'),
    entityCache: readEntityCacheConfig(env, { types: CUSTOMER_CACHE_TYPES }),
  };
}
