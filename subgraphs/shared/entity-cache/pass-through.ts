import { zeroCounters, type EntityCache, type FetchMissing } from './types.js';

export const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

/** The cache with `ENTITY_CACHE=off`: stores nothing, every load goes to the system, no store connection. */
export function passThroughCache(): EntityCache {
  return {
    enabled: false,
    async loadMany<V>(_type: string, keys: readonly string[], fetchMissing: FetchMissing<V>) {
      const started = Date.now();
      try {
        const found = await fetchMissing([...new Set(keys)]);
        return keys.map((key) => ({ value: found.get(key) ?? null, meta: { source: 'system' as const, fetchedAt: started, ageMs: 0, staleIfError: false } }));
      } catch (error) {
        return keys.map(() => asError(error));
      }
    },
    setMany: async () => undefined,
    replace: async () => undefined,
    invalidate: async () => undefined,
    counters: zeroCounters,
    resetCounters: () => undefined,
    idle: async () => undefined,
    close: async () => undefined,
  };
}
