import { ConfigError, readInt, readOptionalUrl, readString, type Env } from '../../../common/config.js';

/** Settings of a subgraph's entity cache, read once from the environment. */
export interface EntityCacheConfig {
  /** `ENTITY_CACHE` = `on|off`; off: every read goes to the system, nothing is stored. */
  enabled: boolean;
  /** `REDIS_URL`: unset → a bounded in-memory store per process; set → Redis, shared by every replica. */
  redisUrl?: string;
  /** `ENTITY_CACHE_NAMESPACE`, default `bizgraph`: first part of every key (`<namespace>:<system>:<Type>:<key>`). */
  namespace: string;
  /** `ENTITY_CACHE_TIMEOUT_MS`, default 100: longest wait for one store call before it counts as a miss. */
  timeoutMs: number;
  /** Fresh lifetime per entity type: `ENTITY_CACHE_TTL_<TYPE>_SECONDS`, else the subgraph's default, else `ENTITY_CACHE_TTL_SECONDS` (60). */
  ttlSeconds: Record<string, number>;
  /** `ENTITY_CACHE_SWR_SECONDS`, default 30: past its TTL an entry is still served this long while it is refreshed in the background. */
  swrSeconds: number;
  /** `ENTITY_CACHE_STALE_IF_ERROR_SECONDS`, default 86400: past its TTL an entry is still served this long when the system fails (and reported). */
  staleIfErrorSeconds: number;
  /** `ENTITY_CACHE_MAX_ENTRIES`, default 10000: size of the in-memory store (unused with Redis). */
  maxEntries: number;
}

export interface EntityCacheDefaults {
  /** The entity types this subgraph caches, with a default TTL (seconds) or undefined for `ENTITY_CACHE_TTL_SECONDS`. */
  types: Record<string, number | undefined>;
}

/** `TicketsByRequester` → `TICKETS_BY_REQUESTER`, the part of `ENTITY_CACHE_TTL_<TYPE>_SECONDS`. */
export const typeEnvName = (type: string) => type.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

const DAY = 86_400;

export function readEntityCacheConfig(env: Env, defaults: EntityCacheDefaults): EntityCacheConfig {
  const switchValue = readString(env, 'ENTITY_CACHE', 'on');
  if (switchValue !== 'on' && switchValue !== 'off') throw new ConfigError('ENTITY_CACHE', `expected "on" or "off", got "${switchValue}"`);
  const namespace = readString(env, 'ENTITY_CACHE_NAMESPACE', 'bizgraph');
  // Namespaces separate deployments or tests on one Redis; a colon inside would blur the key parts.
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(namespace)) throw new ConfigError('ENTITY_CACHE_NAMESPACE', 'expected 1 to 64 letters, digits, "_", "." or "-"');
  const fallbackTtl = readInt(env, 'ENTITY_CACHE_TTL_SECONDS', 60, { min: 1, max: 30 * DAY });
  const ttlSeconds = Object.fromEntries(
    Object.entries(defaults.types).map(([type, ttl]) => [type, readInt(env, `ENTITY_CACHE_TTL_${typeEnvName(type)}_SECONDS`, ttl ?? fallbackTtl, { min: 1, max: 30 * DAY })]),
  );
  return {
    enabled: switchValue === 'on',
    redisUrl: readOptionalUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    namespace,
    timeoutMs: readInt(env, 'ENTITY_CACHE_TIMEOUT_MS', 100, { min: 1, max: 10_000 }),
    ttlSeconds,
    swrSeconds: readInt(env, 'ENTITY_CACHE_SWR_SECONDS', 30, { min: 0, max: 30 * DAY }),
    staleIfErrorSeconds: readInt(env, 'ENTITY_CACHE_STALE_IF_ERROR_SECONDS', DAY, { min: 0, max: 30 * DAY }),
    maxEntries: readInt(env, 'ENTITY_CACHE_MAX_ENTRIES', 10_000, { min: 1, max: 10_000_000 }),
  };
}
