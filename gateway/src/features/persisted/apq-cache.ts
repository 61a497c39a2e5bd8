import { redisKeyvStore } from '../../redis-store.js';
import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { KeyvAdapter } from '@apollo/utils.keyvadapter';
import Keyv from 'keyv';
import { SizedLru } from '../../sized-lru.js';

/** Key prefix in a shared store, so APQ entries never collide with another cache on the same Redis. */
const NAMESPACE = 'bizgraph:apq';

/**
 * Text the in-memory store keeps (least recently used out): anyone the gateway lets register
 * (everyone in development) may add texts, so the store is bounded by their size, not their count.
 */
const MEMORY_CHARS = 8 * 1024 * 1024;

export interface ApqCache {
  cache: KeyValueCache<string>;
  close(): Promise<void>;
}

/**
 * The APQ store: in memory (per process, bounded by text size) without `REDIS_URL`, else Redis,
 * shared by every replica. No text longer than `maxEntryChars` is stored in either (the pipeline
 * refuses longer ones first; this is the store's own guard). Every Redis call is bounded by
 * `timeoutMs`: `@keyv/redis` with no reachable server neither resolves nor rejects (DESIGN.md
 * facts), and a dead cache must never stall a request. A late or failed get is a miss (the client
 * resends the text), a late or failed set is skipped.
 */
export function createApqCache(redisUrl: string | undefined, timeoutMs: number, maxEntryChars: number, onError: (error: unknown) => void): ApqCache {
  if (redisUrl === undefined) return { cache: memoryApqCache(MEMORY_CHARS, maxEntryChars), close: async () => undefined };
  const keyv = new Keyv<string>({ store: redisKeyvStore(redisUrl, timeoutMs), namespace: NAMESPACE, useKeyPrefix: false });
  // Without a listener, Keyv's 'error' event would crash the process when Redis goes away.
  keyv.on('error', onError);
  // Same keyv 5 class; its typings resolve once as ESM, once as CommonJS (the adapter is CJS).
  const adapter = new KeyvAdapter<string>(keyv as never, { disableBatchReads: true });
  return {
    cache: {
      get: (key) => bounded(adapter.get(key), timeoutMs, undefined, onError),
      set: (key: string, value: string, options?: KeyValueCacheSetOptions) =>
        value.length > maxEntryChars ? Promise.resolve() : bounded(adapter.set(key, value, options), timeoutMs, undefined, onError),
      delete: (key) => bounded(adapter.delete(key), timeoutMs, false, onError),
    },
    // Disconnecting from a dead server can hang as well: bounded too.
    close: () => bounded(keyv.disconnect(), timeoutMs, undefined, onError),
  };
}

/** Registered texts in this process, least recently used out once `maxChars` of text is held; each expires after its ttl. */
export function memoryApqCache(maxChars: number, maxEntryChars: number): KeyValueCache<string> {
  const entries = new SizedLru<{ text: string; expiresAt: number }>(maxChars);
  return {
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt > Date.now()) return entry.text;
      entries.delete(key);
      return undefined;
    },
    async set(key, value, options) {
      if (value.length > maxEntryChars) return;
      entries.set(key, { text: value, expiresAt: options?.ttl ? Date.now() + options.ttl * 1000 : Infinity }, key.length + value.length);
    },
    async delete(key) {
      return entries.delete(key);
    },
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
