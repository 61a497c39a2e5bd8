import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { GatewayContext } from '../../context.js';
import { gatewayError } from '../../errors.js';
import { operationHash, sentPersistedQueryHash } from '../../persisted/manifest.js';

/**
 * What an unlisted request is turned into: always valid, never executed (refused when resolved).
 * The client's own text is therefore never parsed or validated either.
 */
const REFUSED = '{ __typename }';

/** The manifest as Apollo's APQ store: a hash-only request finds listed bodies; registering is ignored. */
export function manifestCache(manifest: ReadonlyMap<string, string>): KeyValueCache<string> {
  return {
    // Apollo Server prefixes APQ keys (`apq:<hash>`); a sha256 hex never holds a colon.
    get: async (key) => manifest.get(key.slice(key.lastIndexOf(':') + 1)),
    set: async () => undefined,
    delete: async () => false,
  };
}

/**
 * Safelist mode: only operations whose sha256 is in the manifest run, sent by hash alone or as
 * full text. Anything else is answered HTTP 400 `PERSISTED_QUERY_NOT_ALLOWED` and nothing runs.
 * Apollo Server's pipeline cannot be stopped in `requestDidStart`, so an unlisted request is
 * swapped for a harmless placeholder there and refused when its operation is resolved (before
 * any plugin-visible execution, planning or subgraph fetch). Per operation, so batches are covered.
 */
export function safelistPlugin(manifest: ReadonlyMap<string, string>): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart(requestContext: GraphQLRequestContext<GatewayContext>) {
      const { request } = requestContext;
      const hash = typeof request.query === 'string' ? operationHash(request.query) : sentPersistedQueryHash(request.extensions);
      if (hash !== undefined && manifest.has(hash)) return {};
      request.query = REFUSED;
      if (request.extensions) {
        const { persistedQuery: _persistedQuery, ...extensions } = request.extensions;
        request.extensions = extensions;
      }
      request.operationName = undefined;
      return {
        async didResolveOperation() {
          throw gatewayError('PERSISTED_QUERY_NOT_ALLOWED', 'Only operations from the persisted-operations manifest are accepted');
        },
      };
    },
  };
}
