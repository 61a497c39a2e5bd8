import type { ApolloServerPlugin } from '@apollo/server';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { GatewayContext } from '../../context.js';
import type { GatewayFeature } from '../../feature.js';
import { log } from '../../log.js';
import { createApqCache } from './apq-cache.js';
import type { PersistedConfig } from './config.js';
import { readManifest } from '../../persisted/manifest.js';
import { manifestCache, safelistPlugin } from './safelist.js';

export interface PersistedOperations extends GatewayFeature {
  /** Apollo Server's `persistedQueries` option. */
  persistedQueries: false | { cache: KeyValueCache<string>; ttl?: number };
  plugins: ApolloServerPlugin<GatewayContext>[];
  close(): Promise<void>;
}

/**
 * `PERSISTED_OPERATIONS`: `off` refuses APQ (PERSISTED_QUERY_NOT_SUPPORTED); `apq` stores
 * automatic persisted queries (memory, or Redis with `REDIS_URL`); `safelist` serves only the
 * manifest's operations (read now: a bad manifest stops the start naming PERSISTED_MANIFEST).
 * Authorization is unaffected: the policy wrapper sees the resolved document either way.
 */
export function createPersistedOperations(config: PersistedConfig, maxQueryBytes: number): PersistedOperations {
  switch (config.mode) {
    case 'off':
      return { persistedQueries: false, plugins: [], close: async () => undefined };
    case 'safelist': {
      const manifest = readManifest(config.manifestPath);
      return { persistedQueries: { cache: manifestCache(manifest) }, plugins: [safelistPlugin(manifest)], close: async () => undefined };
    }
    case 'apq': {
      // Logged, never thrown: a cache failure only costs the client one resend of the text.
      let lastLogged = 0;
      const onError = (error: unknown) => {
        if (Date.now() - lastLogged < 10_000) return;
        lastLogged = Date.now();
        log('warn', 'APQ cache unavailable', { error: (error as Error)?.message ?? String(error) });
      };
      // A text over the query limit is refused before it could be stored; the store refuses it as well.
      const apq = createApqCache(config.redisUrl, config.cacheTimeoutMs, maxQueryBytes, onError);
      // Registered texts expire, so a shared store cannot be filled for good by registering junk.
      return { persistedQueries: { cache: apq.cache, ttl: config.apqTtlSeconds }, plugins: [], close: apq.close };
    }
  }
}
