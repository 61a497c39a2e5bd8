import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { readInt, type Env } from '../../common/config.js';

/**
 * How long each subgraph's answers may be reused (seconds): the `max-age` of the `cache-control`
 * header it sends the gateway, whose response cache keeps an answer for the smallest `max-age` of
 * the subgraphs it called. Chosen by how fast each system's data changes and how much a stale
 * value costs: customer basics rarely change; money must be close to current.
 */
export const DEFAULT_CACHE_MAX_AGE_SECONDS: Readonly<Record<string, number>> = {
  crm: 30,
  support: 15,
  erp: 10,
  billing: 5,
  logistics: 15,
};

/**
 * `CACHE_MAX_AGE_SECONDS` when set (0 = never cacheable), else the subgraph's default above, else
 * 0 for a subgraph without one (unknown data is not cached). A bad value throws `ConfigError`.
 */
export function readCacheMaxAge(env: Env, subgraph: string): number {
  return readInt(env, 'CACHE_MAX_AGE_SECONDS', DEFAULT_CACHE_MAX_AGE_SECONDS[subgraph] ?? 0, { min: 0, max: 86_400 });
}

/**
 * The plugins that make a subgraph send `cache-control: max-age=<maxAge>, private` with every
 * successful query answer (`no-store` with errors, Apollo's rule):
 * - Apollo's cache-control plugin with `defaultMaxAge`, which covers root fields and `_entities`
 *   (without it every entity fetch is `max-age=0`, i.e. uncacheable);
 * - `private`, because every answer depends on the caller in the internal token (row-level rules,
 *   the subgraph's own scope checks): no shared HTTP cache may reuse it, and the gateway's cache
 *   stores it only under the caller's identity;
 * - mutations are never cacheable, whatever the default.
 * The hint is restricted after execution: before it, Apollo's plugin would take a restricted policy
 * for an answer served from a cache and skip the per-field hints.
 */
export function cacheHintPlugins<C extends BaseContext>(maxAge: number): ApolloServerPlugin<C>[] {
  return [
    ApolloServerPluginCacheControl({ defaultMaxAge: maxAge }),
    {
      async requestDidStart() {
        return {
          async executionDidStart({ operation, overallCachePolicy }) {
            return {
              async executionDidEnd() {
                // No operation (an unknown operationName): Apollo Server still runs this hook before refusing it.
                overallCachePolicy.restrict({ scope: 'PRIVATE', ...(operation?.operation === 'query' ? {} : { maxAge: 0 }) });
              },
            };
          },
        };
      },
    },
  ];
}
