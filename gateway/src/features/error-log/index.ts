import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../../context.js';
import type { GatewayFeature } from '../../feature.js';
import { isKnownErrorCode } from '../../errors.js';
import { log } from '../../log.js';

/**
 * Logs every error outside the registry with its request id and full detail: the client may
 * only see "Internal error" (production masking in errors.ts), the operator sees why.
 */
export function errorLogFeature(): GatewayFeature {
  return { plugins: [errorLogPlugin] };
}

const errorLogPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ contextValue, errors }) {
        for (const error of errors) {
          if (isKnownErrorCode(error.extensions?.code)) continue;
          const original = error.originalError ?? error;
          log('error', 'unexpected error', {
            requestId: contextValue.requestId,
            traceId: contextValue.trace?.traceId,
            code: error.extensions?.code,
            subgraph: error.extensions?.subgraph,
            path: error.path,
            error: String((original as Error).stack ?? (original as Error).message ?? original),
          });
        }
      },
    };
  },
};
