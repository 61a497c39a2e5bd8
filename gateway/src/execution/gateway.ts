import { DEFAULT_SUPPORTED_SUPERGRAPH_FEATURES, operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface, GatewaySchemaLoadOrUpdateCallback } from '@apollo/server-gateway-interface';
import { getVariableValues, GraphQLError, type GraphQLSchema } from 'graphql';
import { SizedLru } from '../sized-lru.js';
import { executePlan } from './execute.js';
import { preparePlan, type PreparedPlan } from './prepare.js';
import { createExecutionSchema } from './schema-index.js';
import type { SubgraphFetch } from './types.js';

export interface PlanningGatewayOptions {
  /** The supergraph to serve, as @apollo/gateway would be given it (`supergraphSdl`). */
  supergraphSdl: string;
  /** The fetch seam for one client request: its subgraph calls go through the returned function. */
  fetchFor(requestContext: GatewayGraphQLRequestContext): SubgraphFetch;
  /**
   * Prepared plans kept (one per operation text and name, after authorization), bounded by the
   * total length of the operations' text (a plan grows with its operation and keeps its document). @default 4 MiB
   */
  planCacheChars?: number;
}

/**
 * What @apollo/gateway accepts, and `@context`: this executor sends the `@fromContext` values the
 * plan's `contextRewrites` name (context-rewrites.ts). Other `for: SECURITY`/`EXECUTION` features
 * (`@policy`, `@cost`, connectors) are still refused by `Supergraph.build`, naming the feature.
 */
const SUPPORTED_FEATURES: ReadonlySet<string> = new Set([...DEFAULT_SUPPORTED_SUPERGRAPH_FEATURES, 'https://specs.apollo.dev/context/v0.1']);

/**
 * The gateway Apollo Server runs when `GATEWAY_EXECUTOR=bizgraph`: the supergraph's API schema and
 * Apollo's own `QueryPlanner` (built as @apollo/gateway builds them), plans prepared once per
 * operation and executed by bizgraph's executor (`execute.ts`), whose answers equal
 * @apollo/gateway's (test/execution). Variables are checked against the operation's definitions
 * first, as @apollo/gateway does, so a bad variable never reaches a subgraph.
 */
export function createPlanningGateway(options: PlanningGatewayOptions): GatewayInterface {
  const listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();
  const cacheChars = options.planCacheChars ?? 4 * 1024 * 1024;
  return {
    onSchemaLoadOrUpdate(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    async load() {
      // Validated outside production, as @apollo/gateway's default `validateSupergraph` does.
      const supergraph = Supergraph.build(options.supergraphSdl, {
        supportedFeatures: SUPPORTED_FEATURES as Set<string>,
        validateSupergraph: process.env.NODE_ENV !== 'production',
      });
      const apiSchema = supergraph.apiSchema();
      const schema = apiSchema.toGraphQLJSSchema();
      const planner = new QueryPlanner(supergraph);
      const execution = createExecutionSchema(supergraph, schema);
      const plans = new SizedLru<PreparedPlan>(cacheChars);

      const prepared = (requestContext: GatewayGraphQLRequestContext): PreparedPlan => {
        const operationName = requestContext.request.operationName ?? undefined;
        const key = operationName === undefined ? requestContext.queryHash : `${requestContext.queryHash}\u0000${operationName}`;
        const cached = plans.get(key);
        if (cached) return cached;
        const operation = operationFromDocument(apiSchema, requestContext.document, { operationName });
        const plan = preparePlan(execution, planner.buildQueryPlan(operation), requestContext.document, operationName);
        plans.set(key, plan, requestContext.source.length);
        return plan;
      };

      const executor: GatewayExecutor = async (requestContext) => {
        const variableErrors = invalidVariables(schema, requestContext);
        if (variableErrors) return { errors: variableErrors };
        return executePlan(prepared(requestContext), requestContext.request.variables, options.fetchFor(requestContext));
      };
      for (const listener of listeners) listener({ apiSchema: schema, coreSupergraphSdl: options.supergraphSdl });
      return { executor };
    },
    async stop() {
      listeners.clear();
    },
  };
}

/** The coercion errors of the request's variables against the operation's definitions, if any. */
function invalidVariables(schema: GraphQLSchema, requestContext: GatewayGraphQLRequestContext): readonly GraphQLError[] | undefined {
  const definitions = requestContext.operation.variableDefinitions;
  if (!definitions || definitions.length === 0) return undefined;
  const { errors } = getVariableValues(schema, definitions, requestContext.request.variables ?? {});
  return errors && errors.length > 0 ? errors : undefined;
}
