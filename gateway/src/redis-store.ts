import { createRequire } from 'node:module';
import type KeyvRedisStore from '@keyv/redis';

const load = createRequire(import.meta.url);

/**
 * A Keyv store on Redis for the gateway's shared caches (APQ, responses). `@keyv/redis` and its
 * Redis client (~15 MB) are loaded only when `REDIS_URL` is set: most gateways never need them.
 */
export function redisKeyvStore(url: string, connectionTimeoutMs: number): KeyvRedisStore<string> {
  const { default: KeyvRedis } = load('@keyv/redis') as { default: typeof KeyvRedisStore };
  return new KeyvRedis<string>(url, { throwOnConnectError: false, connectionTimeout: connectionTimeoutMs });
}
