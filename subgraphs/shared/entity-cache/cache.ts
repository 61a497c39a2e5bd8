import type { ErrorOrigin } from '../errors.js';
import type { EntityCacheConfig } from './config.js';
import type { StaleIfErrorReport } from './report.js';
import { asError, passThroughCache } from './pass-through.js';
import { createEntityStore, type EntityStore, type StoreEntry } from './store.js';
import { zeroCounters, type EntityCache, type EntityCacheCounters, type FetchMissing, type LoadResult } from './types.js';

export { entityCacheDebugCounters } from './types.js';
export type { CacheMeta, EntityCache, EntityCacheCounters, FetchMissing, LoadResult } from './types.js';

/**
 * The entity cache under a subgraph's DataLoaders. The loaders' batch functions call `loadMany`,
 * which answers what the store holds and fetches the rest in ONE `fetchMissing` call, so a batch
 * still costs ⌈misses/100⌉ system calls. It sits below the row-level rules: resolvers apply them to
 * every value it returns, cached or not, so the cache can never widen what a principal sees.
 *
 * Age decides what an entry is worth (TTL per type; windows from the config):
 *   age ≤ TTL                    fresh: served
 *   TTL < age ≤ TTL + SWR        served, and refreshed in the background (deduplicated per key, batched)
 *   older, ≤ TTL + stale-if-error fetched again; served only if the system fails, and reported
 * Unknown keys (`null` from the system) are never stored: a negative entry would hide a record
 * created a moment later (by another replica or directly in the system), and would let anyone fill
 * the store by asking for made-up ids; asking the system again costs one batched call.
 */
export interface EntityCacheOptions {
  config: EntityCacheConfig;
  /** Names the system and subgraph in keys and stale-if-error reports. */
  origin: ErrorOrigin;
  /** Test seam: the clock ages are measured with. */
  now?: () => number;
  /** Test seam: a store other than the one the config describes. */
  store?: EntityStore;
}

interface Entry<V> {
  value: V;
  fetchedAt: number;
}

const isEntry = (raw: unknown): raw is Entry<unknown> => typeof raw === 'object' && raw !== null && 'value' in raw && typeof (raw as Entry<unknown>).fetchedAt === 'number';

export function createEntityCache(options: EntityCacheOptions): EntityCache {
  const { config, origin } = options;
  if (!config.enabled) return passThroughCache();
  const now = options.now ?? Date.now;
  let counts: EntityCacheCounters = zeroCounters();
  const store =
    options.store ??
    createEntityStore({
      redisUrl: config.redisUrl,
      timeoutMs: config.timeoutMs,
      maxEntries: config.maxEntries,
      onFailure: (kind) => void (kind === 'timeout' ? counts.storeTimeouts++ : counts.storeErrors++),
    });

  const keyOf = (type: string, key: string) => `${config.namespace}:${origin.system}:${type}:${key}`;
  const ttlMs = (type: string) => {
    const seconds = config.ttlSeconds[type];
    if (seconds === undefined) throw new Error(`entity cache: no TTL configured for type ${type}`);
    return seconds * 1000;
  };
  // The store keeps an entry as long as any window may still use it.
  const storeTtlMs = (type: string) => ttlMs(type) + Math.max(config.swrSeconds, config.staleIfErrorSeconds) * 1000;

  /**
   * Write ordering within this process: a fetch that started before a key was invalidated or
   * replaced must not store its older answer afterwards. Each fetch remembers the sequence number
   * it started at; each invalidation or replacement stamps the key.
   */
  let sequence = 0;
  const stamped = new Map<string, number>();
  const stamp = (fullKey: string) => {
    stamped.delete(fullKey);
    stamped.set(fullKey, ++sequence);
    // Only fetches in flight need the stamps; the oldest half can go when the map grows.
    if (stamped.size > 10_000) for (const key of [...stamped.keys()].slice(0, 5_000)) stamped.delete(key);
  };
  const changedSince = (fullKey: string, start: number) => (stamped.get(fullKey) ?? 0) > start;

  /** Stores found values and drops entries of keys the system no longer knows. */
  async function record<V>(type: string, found: Map<string, V | null>, keys: readonly string[], fetchedAt: number, start: number, hadEntry: (key: string) => boolean) {
    const writes: StoreEntry<Entry<V>>[] = [];
    const gone: string[] = [];
    for (const key of keys) {
      const fullKey = keyOf(type, key);
      if (changedSince(fullKey, start)) continue;
      const value = found.get(key) ?? null;
      if (value !== null) writes.push({ key: fullKey, value: { value, fetchedAt }, ttlMs: storeTtlMs(type) });
      else if (hadEntry(key)) gone.push(fullKey);
    }
    await Promise.all([store.setMany(writes), store.deleteMany(gone)]);
  }

  // Background refreshes: keys queued per type during one turn of the event loop go out as one batch.
  const inFlight = new Set<string>();
  const queued = new Map<string, { keys: Set<string>; fetchMissing: FetchMissing<unknown> }>();
  const running = new Set<Promise<void>>();

  function refresh(type: string, keys: readonly string[], fetchMissing: FetchMissing<unknown>) {
    let batch = queued.get(type);
    if (!batch) {
      // Every fetchMissing of one type asks the same system the same way, so any one can serve the batch.
      queued.set(type, (batch = { keys: new Set(), fetchMissing }));
      setImmediate(() => flush(type));
    }
    for (const key of keys) {
      const fullKey = keyOf(type, key);
      if (inFlight.has(fullKey)) continue;
      inFlight.add(fullKey);
      batch.keys.add(key);
    }
  }

  function flush(type: string) {
    const batch = queued.get(type);
    queued.delete(type);
    if (!batch || batch.keys.size === 0) return;
    const keys = [...batch.keys];
    const start = ++sequence;
    const fetchedAt = now();
    const task = batch
      .fetchMissing(keys)
      .then(async (found) => {
        await record(type, found, keys, fetchedAt, start, () => true);
        counts.refreshes++;
      })
      .catch(() => void counts.refreshErrors++)
      .finally(() => {
        for (const key of keys) inFlight.delete(keyOf(type, key));
        running.delete(task);
      });
    running.add(task);
  }

  async function write<V>(type: string, entries: ReadonlyArray<readonly [string, V]>) {
    const fetchedAt = now();
    for (const [key] of entries) stamp(keyOf(type, key));
    await store.setMany(entries.map(([key, value]) => ({ key: keyOf(type, key), value: { value, fetchedAt }, ttlMs: storeTtlMs(type) })));
  }

  return {
    enabled: true,
    async loadMany<V>(type: string, keys: readonly string[], fetchMissing: FetchMissing<V>, report?: StaleIfErrorReport) {
      const unique = [...new Set(keys)];
      const ttl = ttlMs(type);
      const raw = await store.getMany<unknown>(unique.map((key) => keyOf(type, key)));
      const at = now();
      const results = new Map<string, LoadResult<V>>();
      const cached = (entry: Entry<V>, staleIfError: boolean) => ({
        value: entry.value,
        meta: { source: 'cache' as const, fetchedAt: entry.fetchedAt, ageMs: Math.max(0, at - entry.fetchedAt), staleIfError },
      });
      const missing: string[] = [];
      const fallbacks = new Map<string, Entry<V>>();
      const stale: string[] = [];
      unique.forEach((key, i) => {
        const entry = raw[i];
        if (!isEntry(entry)) {
          counts.misses++;
          return void missing.push(key);
        }
        const age = at - entry.fetchedAt;
        if (age <= ttl) {
          counts.hits++;
          return void results.set(key, cached(entry as Entry<V>, false));
        }
        if (age <= ttl + config.swrSeconds * 1000) {
          counts.staleServes++;
          stale.push(key);
          return void results.set(key, cached(entry as Entry<V>, false));
        }
        counts.misses++;
        missing.push(key);
        if (age <= ttl + config.staleIfErrorSeconds * 1000) fallbacks.set(key, entry as Entry<V>);
      });
      if (stale.length > 0) refresh(type, stale, fetchMissing as FetchMissing<unknown>);

      if (missing.length > 0) {
        const start = ++sequence;
        const fetchedAt = now();
        try {
          const found = await fetchMissing(missing);
          for (const key of missing) {
            results.set(key, { value: found.get(key) ?? null, meta: { source: 'system', fetchedAt, ageMs: 0, staleIfError: false } });
          }
          const present = new Set(unique.filter((_key, i) => isEntry(raw[i])));
          await record(type, found, missing, fetchedAt, start, (key) => present.has(key));
        } catch (error) {
          for (const key of missing) {
            const entry = fallbacks.get(key);
            if (!entry) {
              results.set(key, asError(error));
              continue;
            }
            counts.staleIfErrorServes++;
            const served = cached(entry, true);
            report?.add({
              system: origin.system,
              subgraph: origin.subgraph,
              type,
              key,
              fetchedAt: new Date(entry.fetchedAt).toISOString(),
              ageSeconds: Math.floor(served.meta.ageMs / 1000),
            });
            results.set(key, served);
          }
        }
      }
      return keys.map((key) => results.get(key)!);
    },
    setMany: write,
    async replace(type, entries) {
      counts.invalidations += entries.length;
      await write(type, entries);
    },
    async invalidate(type, keys) {
      const fullKeys = [...new Set(keys)].map((key) => keyOf(type, key));
      for (const fullKey of fullKeys) stamp(fullKey);
      counts.invalidations += fullKeys.length;
      await store.deleteMany(fullKeys);
    },
    counters: () => ({ ...counts }),
    resetCounters: () => void (counts = zeroCounters()),
    idle: async () => {
      while (running.size > 0 || queued.size > 0) await Promise.all([...running, new Promise((resolve) => setImmediate(resolve))]);
    },
    async close() {
      await Promise.allSettled([...running]);
      await store.close();
    },
  };
}
