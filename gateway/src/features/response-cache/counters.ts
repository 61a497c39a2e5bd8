/**
 * What the response cache did since the gateway started: a plain object, so it can be read at
 * `/debug/response-cache` today and exported as metrics later without touching the cache.
 */
export interface ResponseCacheCounters {
  /** Answers served from the cache (no subgraph was called). */
  hits: number;
  /** Cacheable requests whose answer was not in the cache (or the store did not answer in time). */
  misses: number;
  /** Requests the cache never looked at: mutations, unidentifiable callers, refused operations. */
  bypasses: number;
  /** Answers written to the store. */
  stores: number;
  /** Store calls that failed, and errors the store reported on its own (lost connection, …). */
  storeErrors: number;
  /** Store calls that took longer than the deadline. */
  storeTimeouts: number;
  /** Store calls not attempted because the store failed moments ago. */
  storeSkipped: number;
}

export function createCounters(): ResponseCacheCounters {
  return { hits: 0, misses: 0, bypasses: 0, stores: 0, storeErrors: 0, storeTimeouts: 0, storeSkipped: 0 };
}
