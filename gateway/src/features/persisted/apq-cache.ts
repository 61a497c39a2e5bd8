import { redisKeyvStore } from '../../redis-store.js';
import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { KeyvAdapter } from '@apollo/utils.keyvadapter';
import Keyv from 'keyv';

/** Key prefix in a shared store, so APQ entries never collide with another cache on the same Redis. */
const NAMESPACE = 'bizgraph:apq';

/** In-memory store size: anyone may register operations, so memory must stay bounded. */
const MEMORY_ENTRIES = 5000;

/** A Map that drops its oldest entry when full (Keyv's default Map grows without bound). */
class BoundedMap<V> extends Map<string, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: string, value: V): this {
    if (!this.has(key) && this.size >= this.max) this.delete(this.keys().next().value!);
    return super.set(key, value);
  }
}

export interface ApqCache {
  cache: KeyValueCache<string>;
  close(): Promise<void>;
}

/**
 * The APQ store: in memory (per process) without `REDIS_URL`, else Redis, shared by every replica.
 * Every call is bounded by `timeoutMs`: `@keyv/redis` with no reachable server neither resolves
 * nor rejects (DESIGN.md facts), and a dead cache must never stall a request. A late or failed get
 * is a miss (the client resends the text), a late or failed set is skipped.
 */
export function createApqCache(redisUrl: string | undefined, timeoutMs: number, onError: (error: unknown) => void): ApqCache {
  const store = redisUrl === undefined ? undefined : redisKeyvStore(redisUrl, timeoutMs);
  const keyv = new Keyv<string>({ store: store ?? new BoundedMap(MEMORY_ENTRIES), namespace: NAMESPACE, useKeyPrefix: false });
  // Without a listener, Keyv's 'error' event would crash the process when Redis goes away.
  keyv.on('error', onError);
  // Same keyv 5 class; its typings resolve once as ESM, once as CommonJS (the adapter is CJS).
  const adapter = new KeyvAdapter<string>(keyv as never, { disableBatchReads: true });
  return {
    cache: {
      get: (key) => bounded(adapter.get(key), timeoutMs, undefined, onError),
      set: (key: string, value: string, options?: KeyValueCacheSetOptions) => bounded(adapter.set(key, value, options), timeoutMs, undefined, onError),
      delete: (key) => bounded(adapter.delete(key), timeoutMs, false, onError),
    },
    // Disconnecting from a dead server can hang as well: bounded too.
    close: () => bounded(keyv.disconnect(), timeoutMs, undefined, onError),
  };
}

/** `work`'s value, or `fallback` when it fails or takes longer than `timeoutMs`. */
function bounded<T>(work: Promise<T>, timeoutMs: number, fallback: T, onError: (error: unknown) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), timeoutMs);
    timer.unref();
  });
  const settled = work.catch((error: unknown) => {
    onError(error);
    return fallback;
  });
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}
