import type { StaleIfErrorReport } from './report.js';

/** The entity cache's public shapes (the implementation is cache.ts). */

/** Fetches keys the cache could not answer, in one batch: a value, or null when the system has none. */
export type FetchMissing<V> = (keys: string[]) => Promise<Map<string, V | null>>;

export interface CacheMeta {
  source: 'cache' | 'system';
  /** Epoch ms when the value was fetched from the system. */
  fetchedAt: number;
  ageMs: number;
  /** Served from the cache because the system failed. */
  staleIfError: boolean;
}

/** `value` null: the system has no such key. An Error: the system failed and no usable entry was cached. */
export type LoadResult<V> = { value: V | null; meta: CacheMeta } | Error;

export interface EntityCacheCounters {
  hits: number;
  misses: number;
  /** Served past TTL within the SWR window (a background refresh was started or already running). */
  staleServes: number;
  staleIfErrorServes: number;
  /** Failed store calls and errors the store client reported (Redis gone, refused, …). */
  storeErrors: number;
  /** Store calls that did not answer within ENTITY_CACHE_TIMEOUT_MS (a hung Redis). */
  storeTimeouts: number;
  /** Keys invalidated or replaced after writes and webhooks. */
  invalidations: number;
  /** Background refresh batches that completed / failed. */
  refreshes: number;
  refreshErrors: number;
}

export interface EntityCache {
  readonly enabled: boolean;
  /** One result per key, in order; duplicates share one fetch. */
  loadMany<V>(type: string, keys: readonly string[], fetchMissing: FetchMissing<V>, report?: StaleIfErrorReport): Promise<LoadResult<V>[]>;
  /** Stores values just read from the system some other way (e.g. by another key). */
  setMany<V>(type: string, entries: ReadonlyArray<readonly [string, V]>): Promise<void>;
  /** Stores the system's answer to a write, replacing what replicas had (counted as invalidations). */
  replace<V>(type: string, entries: ReadonlyArray<readonly [string, V]>): Promise<void>;
  /** Drops entries after a change, for every replica sharing the store. */
  invalidate(type: string, keys: readonly string[]): Promise<void>;
  counters(): EntityCacheCounters;
  resetCounters(): void;
  /** Resolves once the background refreshes started so far have finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export const zeroCounters = (): EntityCacheCounters => ({
  hits: 0,
  misses: 0,
  staleServes: 0,
  staleIfErrorServes: 0,
  storeErrors: 0,
  storeTimeouts: 0,
  invalidations: 0,
  refreshes: 0,
  refreshErrors: 0,
});

/** The counters as `/debug/counters` shows them: `entityCacheHits`, `entityCacheMisses`, … */
export function entityCacheDebugCounters(cache: EntityCache): Record<string, number> {
  return Object.fromEntries(Object.entries(cache.counters()).map(([name, value]) => [`entityCache${name[0]!.toUpperCase()}${name.slice(1)}`, value]));
}
