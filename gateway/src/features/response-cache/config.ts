import { readInt, readOnOff, readOptionalUrl, type Env } from '../../../../common/config.js';

export interface ResponseCacheConfig {
  /** `RESPONSE_CACHE=on|off`: cache whole answers to read-only operations. @default false (off) */
  enabled: boolean;
  /** `RESPONSE_CACHE_MAX_TTL_SECONDS`: upper bound on the lifetime the subgraphs' cache hints allow. @default 30 */
  maxTtlSeconds: number;
  /** `REDIS_URL`: a store shared by every gateway replica; unset = in memory, per process. */
  redisUrl: string | undefined;
  /** Deadline of one store call; a slower store is a miss (get) or a skipped write (set). @default 100 */
  timeoutMs: number;
  /** After a failed or late store call, the store is left alone this long (calls fall through at once). @default 1000 */
  retryAfterMs: number;
  /** In-memory store bounds (oldest entries are dropped first). @default 10000 entries, 64 MiB */
  maxEntries: number;
  maxBytes: number;
}

/** Reads `RESPONSE_CACHE`, `RESPONSE_CACHE_MAX_TTL_SECONDS` and `REDIS_URL`; a bad value throws `ConfigError` naming it. */
export function readResponseCacheConfig(env: Env): ResponseCacheConfig {
  return {
    enabled: readOnOff(env, 'RESPONSE_CACHE', false),
    maxTtlSeconds: readInt(env, 'RESPONSE_CACHE_MAX_TTL_SECONDS', 30, { min: 1, max: 86_400 }),
    redisUrl: readOptionalUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    timeoutMs: 100,
    retryAfterMs: 1000,
    maxEntries: 10_000,
    maxBytes: 64 * 1024 * 1024,
  };
}
