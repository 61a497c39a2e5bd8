import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import type { GatewayContext } from '../../context.js';

/**
 * What the gateway tells HTTP caches: `cache-control: no-store`, always. The subgraphs' hints
 * still travel into each request's `overallCachePolicy` (the response cache's TTL), but are not
 * turned into a client header as Apollo Server does by default (`max-age=N, private`): a browser
 * or proxy keys by URL, not by the caller's permissions, so a GET answer kept there could be shown
 * to the next person signing in on the same device. Only the response cache, keyed by identity,
 * may reuse answers.
 */
export function clientCacheHeaderPlugins(): ApolloServerPlugin<GatewayContext>[] {
  return [
    // Replaces Apollo Server's default instance (which would compute the header).
    ApolloServerPluginCacheControl({ calculateHttpHeaders: false }),
    {
      async requestDidStart() {
        return {
          async willSendResponse({ response }) {
            response.http.headers.set('cache-control', 'no-store');
          },
        };
      },
    },
  ];
}
