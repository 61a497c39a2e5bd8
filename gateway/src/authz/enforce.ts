import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import type { GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../context.js';
import { gatewayError } from '../errors.js';
import { createAccessChecker, policyScopes, principalKey, principalScopes } from './access.js';
import { InliningLimitError } from './fragments.js';
import type { AuthzMode } from './mode.js';
import type { SupergraphPolicy } from './policy.js';
import { activeDenials, answerDenials } from './response.js';
import { rewriteOperation, type Rewrite } from './rewrite.js';
import { SizedLru } from '../sized-lru.js';

export interface EnforceOptions {
  policy: SupergraphPolicy;
  /** `filter`: remove denied fields and answer them with null + error; `reject`: refuse the request (403). */
  mode: AuthzMode;
  /** Rewrites kept per schema (operation × caller rights), bounded by the total length of the operations' text. @default 4 MiB */
  cacheChars?: number;
}

const NONE: readonly string[] = [];

/** The coordinates removed from (filter) or refused in (reject) this operation; empty when none. */
export function deniedCoordinates(context: GatewayContext): readonly string[] {
  return context.authz?.denied ?? NONE;
}

/**
 * Wraps the gateway Apollo Server runs so that every operation meets the supergraph's policy
 * before @apollo/gateway plans it: the wrapped executor is the only way into the query planner,
 * which keys its plan cache by the `queryHash` it is given — a rewritten operation gets the hash
 * of its own text, so callers with different rights never share a plan.
 */
export function enforcePolicy(gateway: GatewayInterface, options: EnforceOptions): GatewayInterface {
  return {
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    stop: () => gateway.stop(),
    async load(loadOptions) {
      const loaded = await gateway.load(loadOptions);
      return { ...loaded, executor: loaded.executor && authorizingExecutor(loaded.executor, options) };
    },
  };
}

function authorizingExecutor(executor: GatewayExecutor, { policy, mode, cacheChars = 4 * 1024 * 1024 }: EnforceOptions): GatewayExecutor {
  const relevant = policyScopes(policy);
  const caches = new WeakMap<GraphQLSchema, SizedLru<Rewrite | null>>();

  const rewriteFor = (requestContext: GatewayGraphQLRequestContext<GatewayContext>): Rewrite | null => {
    const { schema, document, operation, queryHash } = requestContext;
    const principal = principalScopes(requestContext.context.principal ?? null);
    const key = `${queryHash}\u0000${requestContext.operationName ?? ''}\u0000${principalKey(principal, relevant)}`;
    let cache = caches.get(schema);
    if (!cache) caches.set(schema, (cache = new SizedLru(cacheChars)));
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const rewrite = rewriteOperation(schema, document, operation, createAccessChecker(policy, schema, principal));
    cache.set(key, rewrite, requestContext.source.length);
    return rewrite;
  };

  return async (requestContext) => {
    const context = requestContext as GatewayGraphQLRequestContext<GatewayContext>;
    // Without a resolved operation the gateway answers with its own error; nothing to authorize.
    if (!context.operation || !policy.hasSecurityFeatures) return executor(requestContext);
    let rewrite: Rewrite | null;
    try {
      rewrite = rewriteFor(context);
    } catch (error) {
      if (error instanceof InliningLimitError) return { errors: [gatewayError('OPERATION_LIMIT_EXCEEDED', error.message)] };
      throw error;
    }
    if (!rewrite) return executor(requestContext);
    const variables = requestContext.request.variables;
    const denials = activeDenials(rewrite, variables);
    const coordinates = [...new Set(denials.map((denial) => denial.coordinate))].sort();
    // Kept on the operation's context for audit, metrics and the response cache.
    if (coordinates.length > 0) context.context.authz = { denied: coordinates };
    if (mode === 'reject' && coordinates.length > 0) {
      return {
        errors: [gatewayError('FORBIDDEN', `Not authorized to read ${coordinates.join(', ')}`, { denied: coordinates })],
      };
    }
    const result = await executor({
      ...requestContext,
      document: rewrite.document,
      operation: rewrite.operation,
      source: rewrite.source,
      queryHash: rewrite.queryHash,
    });
    return answerDenials(result, denials, rewrite);
  };
}
