import type { Env } from '../../common/config.js';
import { readRestSystemConfig, readSubgraphBaseConfig, type RestSystemConfig, type SubgraphBaseConfig } from '../shared/config.js';
import { readEntityCacheConfig, type EntityCacheConfig } from '../shared/entity-cache/config.js';
import { TICKET_CACHE_TYPES } from './ticket-cache.js';

/** `SUPPORT_API_URL` (default http://127.0.0.1:4104, the stand-in), `SUPPORT_API_KEY` (`dev-support-key`), `SUPPORT_TIMEOUT_MS`. */
export interface SupportSubgraphConfig extends SubgraphBaseConfig, RestSystemConfig {
  /** `ENTITY_CACHE`, `REDIS_URL`, `ENTITY_CACHE_*` (see shared/entity-cache/config.ts); lists default to a 30 s TTL. */
  entityCache: EntityCacheConfig;
}

/** `PORT` defaults to 4004. */
export function readSupportSubgraphConfig(env: Env): SupportSubgraphConfig {
  return {
    ...readSubgraphBaseConfig(env, 4004),
    ...readRestSystemConfig(env, 'SUPPORT', { apiUrl: 'http://127.0.0.1:4104', apiKey: 'dev-support-key' }),
    entityCache: readEntityCacheConfig(env, { types: TICKET_CACHE_TYPES }),
  };
}
