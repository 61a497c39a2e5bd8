import { redisKeyvStore } from '../../redis-store.js';
import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import Keyv from 'keyv';
import { log } from '../../log.js';
import type { ResponseCacheConfig } from './config.js';
import type { ResponseCacheCounters } from './counters.js';

/** Key prefix in a shared store, so cached answers never collide with another cache on the same Redis. */
const NAMESPACE = 'bizgraph:response';

export type StoreSettings = Pick<ResponseCacheConfig, 'redisUrl' | 'timeoutMs' | 'retryAfterMs' | 'maxTtlSeconds' | 'maxEntries' | 'maxBytes'>;

export interface ResponseStore {
  /** What Apollo's response-cache plugin reads and writes (TTL in seconds, capped at `maxTtlSeconds`). */
  cache: KeyValueCache<string>;
  kind: 'memory' | 'redis';
  close(): Promise<void>;
}

/**
 * A Map that drops its oldest entries when it holds more than `maxEntries` values or `maxBytes`
 * of (serialized) text: Keyv's default Map grows without bound, and answers can be large.
 * Expired entries are removed by Keyv when read, or pushed out here.
 */
export class BoundedMap extends Map<string, unknown> {
  private bytes = 0;
  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {
    super();
  }
  override set(key: string, value: unknown): this {
    this.delete(key);
    super.set(key, value);
    this.bytes += sizeOf(value);
    while (this.size > 0 && (this.size > this.maxEntries || this.bytes > this.maxBytes)) this.delete(this.keys().next().value!);
    return this;
  }
  override delete(key: string): boolean {
    if (!this.has(key)) return false;
    this.bytes -= sizeOf(super.get(key));
    return super.delete(key);
  }
  override clear(): void {
    this.bytes = 0;
    super.clear();
  }
}

const sizeOf = (value: unknown) => (typeof value === 'string' ? value.length * 2 : 64);

/**
 * The response cache's store through Keyv: in memory (bounded) without `REDIS_URL`, else Redis,
 * shared by every replica. Every call is bounded by `timeoutMs` — `@keyv/redis` with no reachable
 * server neither resolves nor rejects (DESIGN.md facts) — and a failing store is left alone for
 * `retryAfterMs`, so a dead Redis costs each request nothing after the first late call. A late or
 * failed get is a miss, a late or failed set is skipped; every failure is counted, none is thrown.
 */
export function createResponseStore(settings: StoreSettings, counters: ResponseCacheCounters): ResponseStore {
  const { redisUrl, timeoutMs, retryAfterMs, maxTtlSeconds } = settings;
  const redis = redisUrl === undefined ? undefined : redisKeyvStore(redisUrl, timeoutMs);
  const keyv = new Keyv<string>({ store: redis ?? new BoundedMap(settings.maxEntries, settings.maxBytes), namespace: NAMESPACE, useKeyPrefix: false });

  let unavailableUntil = 0;
  let lastLogged = 0;
  const failed = (kind: 'error' | 'timeout', error?: unknown) => {
    if (kind === 'error') counters.storeErrors++;
    else counters.storeTimeouts++;
    unavailableUntil = Date.now() + retryAfterMs;
    // Logged at most every 10 s: a dead Redis under load would otherwise flood the log.
    if (Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    log('warn', 'response cache store unavailable', { kind, error: error === undefined ? `no answer within ${timeoutMs} ms` : describe(error) });
  };
  // @keyv/redis reports failures as events rather than rejections; without a listener they would crash the process.
  keyv.on('error', (error: unknown) => failed('error', error));

  /** `work()`'s value, or `fallback` when the store is resting, fails or is late. */
  const bounded = async <T>(work: () => Promise<T>, fallback: T): Promise<{ value: T; ok: boolean }> => {
    if (Date.now() < unavailableUntil) {
      counters.storeSkipped++;
      return { value: fallback, ok: false };
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
      timer.unref();
    });
    try {
      const result = await Promise.race([work().then((value) => ({ value })), late]);
      if (result === 'late') {
        failed('timeout');
        return { value: fallback, ok: false };
      }
      return { value: result.value, ok: true };
    } catch (error) {
      failed('error', error);
      return { value: fallback, ok: false };
    } finally {
      clearTimeout(timer);
    }
  };

  const cache: KeyValueCache<string> = {
    async get(key) {
      return (await bounded(() => keyv.get(key), undefined)).value ?? undefined;
    },
    async set(key: string, value: string, options?: KeyValueCacheSetOptions) {
      // No lifetime from the hints means not cacheable: never stored without an expiry.
      const ttlSeconds = Math.min(options?.ttl ?? 0, maxTtlSeconds);
      if (!(ttlSeconds > 0)) return;
      // @keyv/redis reports a failed write as an 'error' event and still resolves: not a store.
      const errorsBefore = counters.storeErrors;
      const { value: stored } = await bounded(() => keyv.set(key, value, ttlSeconds * 1000), false);
      if (stored && counters.storeErrors === errorsBefore) counters.stores++;
    },
    async delete(key) {
      return (await bounded(() => keyv.delete(key), false)).value;
    },
  };
  return {
    cache,
    kind: redis ? 'redis' : 'memory',
    // Disconnecting from a dead server can hang as well.
    close: async () => {
      await Promise.race([keyv.disconnect().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    },
  };
}

function describe(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}
