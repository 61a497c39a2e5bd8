import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../../context.js';
import type { GatewayFeature } from '../../feature.js';
import { log } from '../../log.js';
import { clientCacheHeaderPlugins } from './client-headers.js';
import type { ResponseCacheConfig } from './config.js';
import { createCounters, type ResponseCacheCounters } from './counters.js';
import { responseCachePlugins, type ResponseCachePluginOptions } from './plugin.js';
import { createResponseStore } from './store.js';

export interface ResponseCache extends GatewayFeature {
  /** Apollo Server plugins: the client cache header always, the cache itself when enabled. */
  plugins: ApolloServerPlugin<GatewayContext>[];
  /** Live counters (the same object on every read), for `/debug/response-cache` and later metrics. */
  counters: ResponseCacheCounters;
  /** `GET /debug/response-cache` (not in production): settings and counters. */
  register(app: FastifyInstance): void;
  close(): Promise<void>;
}

/** `RESPONSE_CACHE`: off by default; on, answers to queries are kept per caller identity (see `plugin.ts`). */
export function createResponseCache(config: ResponseCacheConfig, options: { supergraphHash: ResponseCachePluginOptions['supergraphHash']; production: boolean }): ResponseCache {
  const counters = createCounters();
  const store = config.enabled ? createResponseStore(config, counters) : undefined;
  if (store) log('info', 'response cache', { store: store.kind, maxTtlSeconds: config.maxTtlSeconds });
  const plugins = [...clientCacheHeaderPlugins(), ...(store ? responseCachePlugins({ cache: store.cache, counters, supergraphHash: options.supergraphHash }) : [])];
  return {
    plugins,
    counters,
    register(app) {
      if (options.production) return;
      app.get('/debug/response-cache', async () => ({
        enabled: config.enabled,
        store: store?.kind ?? null,
        maxTtlSeconds: config.maxTtlSeconds,
        counters,
      }));
    },
    close: async () => store?.close(),
  };
}
