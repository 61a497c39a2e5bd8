import { readInt, readOptionalUrl, readString, type Env } from '../../common/config.js';
import { readSubgraphBaseConfig, type SubgraphBaseConfig } from '../shared/config.js';
import { readEntityCacheConfig, type EntityCacheConfig } from '../shared/entity-cache/config.js';
import { TICKET_CACHE_TYPES } from './ticket-cache.js';

export interface SupportSubgraphConfig extends SubgraphBaseConfig {
  /** `SUPPORT_API_URL`: the support desk's REST API, default the local stand-in on 4104. */
  apiUrl: string;
  /** `SUPPORT_API_KEY`: sent as `x-api-key`, default `dev-support-key`. */
  apiKey: string;
  /** `SUPPORT_TIMEOUT_MS`: longest wait for one desk call, default 5000. */
  timeoutMs: number;
  /** `ENTITY_CACHE`, `REDIS_URL`, `ENTITY_CACHE_*` (see shared/entity-cache/config.ts); lists default to a 30 s TTL. */
  entityCache: EntityCacheConfig;
}

/** `PORT` defaults to 4004. */
export function readSupportSubgraphConfig(env: Env): SupportSubgraphConfig {
  return {
    ...readSubgraphBaseConfig(env, 4004),
    apiUrl: readOptionalUrl(env, 'SUPPORT_API_URL', ['http:', 'https:']) ?? 'http://127.0.0.1:4104',
    apiKey: readString(env, 'SUPPORT_API_KEY', 'dev-support-key'),
    timeoutMs: readInt(env, 'SUPPORT_TIMEOUT_MS', 5000, { min: 1, max: 120_000 }),
    entityCache: readEntityCacheConfig(env, { types: TICKET_CACHE_TYPES }),
  };
}
