import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import ApolloServerPluginResponseCache from '@apollo/server-plugin-response-cache';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { GatewayContext } from '../../context.js';
import type { ResponseCacheCounters } from './counters.js';
import { cacheIdentity } from './identity.js';

/** Tells clients what the cache did: `hit` (no subgraph called), `miss` (looked up, not found), `bypass` (not cacheable). */
export const CACHE_STATUS_HEADER = 'bizgraph-response-cache';

export interface ResponseCachePluginOptions {
  cache: KeyValueCache<string>;
  counters: ResponseCacheCounters;
  /**
   * Version of the supergraph (its SDL hash, policy included): answers never outlive a policy change.
   * A function when the supergraph is reloaded: the version the request runs on (see `reload/`).
   */
  supergraphHash: string | ((requestContext: GraphQLRequestContext<GatewayContext>) => string);
}

/**
 * Whole-response cache on Apollo's `@apollo/server-plugin-response-cache`, which in gateway mode
 * does what we need: it looks up only `query` operations (after the operation is resolved, before
 * the policy wrapper and the query planner run), stores only answers without `errors` whose
 * `overallCachePolicy` is cacheable — @apollo/gateway's data source restricts that policy with
 * each subgraph fetch's `cache-control` (a fetch without one makes it uncacheable) — for the
 * policy's `maxAge` (capped by the store), and answers hits with `age`.
 *
 * Our hooks add: the key (operation text, operation name and variables by Apollo; the caller's
 * identity and the supergraph version by us, see `identity.ts`), the bypass of callers who cannot
 * be identified, and the refusal to store answers that declare stale values or had fields denied
 * (their audit line names the denied fields, which a hit could not repeat). Our subgraphs mark
 * their hints `private`, so the identity is also Apollo's `sessionId`; public hints from other
 * subgraphs are stored under the identity as well (`extraCacheKeyData`), never shared.
 */
export function responseCachePlugins(options: ResponseCachePluginOptions): ApolloServerPlugin<GatewayContext>[] {
  const { counters } = options;
  const hash = options.supergraphHash;
  const supergraphOf = typeof hash === 'function' ? hash : () => hash;
  const identityOf = (requestContext: GraphQLRequestContext<GatewayContext>) => cacheIdentity(requestContext.contextValue);

  const apollo = ApolloServerPluginResponseCache<GatewayContext>({
    cache: options.cache,
    sessionId: async (requestContext) => identityOf(requestContext),
    extraCacheKeyData: async (requestContext) => ({ identity: identityOf(requestContext), supergraph: supergraphOf(requestContext) }),
    async shouldReadFromCache(requestContext) {
      if (identityOf(requestContext) === null) return false;
      // Provenance describes this request's fetches: a stored answer would lie about fetch times.
      if (requestContext.contextValue.freshness?.provenance) return false;
      // On the operation's own copy of the context (Apollo Server copies it per operation of a batch).
      requestContext.contextValue.responseCacheConsulted = true;
      return true;
    },
    async shouldWriteToCache(requestContext) {
      const context = requestContext.contextValue;
      // Slots are set only when non-empty: stale values or denied fields make an answer unstorable.
      return context.responseCacheConsulted === true && !context.freshness?.stale && !context.authz;
    },
  });

  const status: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, metrics, response }) {
          const state = metrics.responseCacheHit ? 'hit' : contextValue.responseCacheConsulted ? 'miss' : 'bypass';
          if (state === 'hit') counters.hits++;
          else if (state === 'miss') counters.misses++;
          else counters.bypasses++;
          response.http.headers.set(CACHE_STATUS_HEADER, state);
        },
      };
    },
  };
  return [apollo, status];
}
