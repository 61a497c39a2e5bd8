import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { composeServices } from '@apollo/composition';
import { Supergraph, ROUTER_SUPPORTED_SUPERGRAPH_FEATURES, operationFromDocument } from '@apollo/federation-internals';
import { buildOperationContext, executeQueryPlan, type GraphQLDataSource } from '@apollo/gateway';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import { createExecutionSchema, executePlan, preparePlan, type ExecutionSchema, type PlanExecutionResult, type SubgraphRequest } from '../../gateway/src/execution/index.js';
import { FakeSubgraphs, type FaultPlan } from './fake-subgraphs.js';

/**
 * One supergraph under differential test: Apollo's planner and API schema (built as
 * @apollo/gateway builds them), our execution schema, and fake subgraphs answering both executors.
 */
export interface DifferentialSupergraph {
  name: string;
  supergraphSdl: string;
  apiGraphQL: GraphQLSchema;
  planner: QueryPlanner;
  supergraph: Supergraph;
  execution: ExecutionSchema;
  fakes: FakeSubgraphs;
  supergraphGraphQL: GraphQLSchema;
}

export function loadSupergraph(name: string, supergraphSdl: string, options: { routerFeatures?: boolean } = {}): DifferentialSupergraph {
  // @apollo/gateway refuses @context supergraphs; the planner plans them with the Router's feature set.
  const supergraph = Supergraph.build(supergraphSdl, options.routerFeatures ? { supportedFeatures: ROUTER_SUPPORTED_SUPERGRAPH_FEATURES } : undefined);
  const apiGraphQL = supergraph.apiSchema().toGraphQLJSSchema();
  const schemas = new Map(
    supergraph
      .subgraphs()
      .values()
      .map((subgraph) => [subgraph.name, subgraph.schema.toGraphQLJSSchema()] as const),
  );
  return {
    name,
    supergraphSdl,
    apiGraphQL,
    planner: new QueryPlanner(supergraph),
    supergraph,
    execution: createExecutionSchema(supergraph, apiGraphQL),
    fakes: new FakeSubgraphs(schemas),
    supergraphGraphQL: supergraph.schema.toGraphQLJSSchema(),
  };
}

/** Composes the `*.graphql` subgraph SDLs of a fixture folder (file name = subgraph name). */
export function composeFixture(directory: string): string {
  const services = readdirSync(directory)
    .filter((file) => file.endsWith('.graphql') && file !== 'supergraph.graphql')
    .sort()
    .map((file) => ({
      name: file.replace(/\.graphql$/, ''),
      url: `http://${file.replace(/\.graphql$/, '')}.invalid/graphql`,
      typeDefs: parse(readFileSync(join(directory, file), 'utf8')),
    }));
  const result = composeServices(services);
  if (result.errors) throw new Error(`${directory} does not compose: ${result.errors.map((error) => error.message).join('; ')}`);
  return result.supergraphSdl;
}

/** Parses and validates against the API schema; undefined when the operation is not valid there. */
export function validOperation(env: DifferentialSupergraph, query: string): DocumentNode | undefined {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return undefined;
  }
  return validate(env.apiGraphQL, document).length === 0 ? document : undefined;
}

export function planOperation(env: DifferentialSupergraph, document: DocumentNode, operationName?: string): QueryPlan {
  const operation = operationFromDocument(env.supergraph.apiSchema(), document, { operationName });
  return env.planner.buildQueryPlan(operation);
}

export interface SubgraphCall {
  subgraph: string;
  representations: number;
}

/** Runs the plan with @apollo/gateway's `executeQueryPlan`, subgraphs answered by the fakes. */
export async function runApollo(
  env: DifferentialSupergraph,
  plan: QueryPlan,
  document: DocumentNode,
  variables: Record<string, unknown>,
  faults: FaultPlan,
  calls?: SubgraphCall[],
) {
  const serviceMap: Record<string, GraphQLDataSource> = Object.create(null);
  for (const subgraph of env.supergraph.subgraphs().names()) {
    serviceMap[subgraph] = {
      process: async ({ request }) => answer(env, faults, calls, subgraph, request.query!, (request.variables ?? {}) as Record<string, unknown>) as never,
    };
  }
  const operationContext = buildOperationContext({ schema: env.apiGraphQL, operationDocument: document });
  const requestContext = { request: { variables }, context: {}, metrics: {}, logger: console } as never;
  return executeQueryPlan(plan, serviceMap, requestContext, operationContext, env.supergraphGraphQL, env.supergraph.apiSchema());
}

/** Runs the same plan with bizgraph's executor and the same fakes. */
export async function runOurs(
  env: DifferentialSupergraph,
  plan: QueryPlan,
  document: DocumentNode,
  variables: Record<string, unknown>,
  faults: FaultPlan,
  calls?: SubgraphCall[],
): Promise<PlanExecutionResult> {
  const prepared = preparePlan(env.execution, plan, document);
  return executePlan(prepared, variables, async (request: SubgraphRequest) => answer(env, faults, calls, request.subgraph, request.query, request.variables));
}

/** The fakes' answer to one subgraph call, which both executors get alike; recorded in `calls` when given. */
function answer(env: DifferentialSupergraph, faults: FaultPlan, calls: SubgraphCall[] | undefined, subgraph: string, query: string, variables: Record<string, unknown>) {
  calls?.push({ subgraph, representations: (variables.representations as unknown[] | undefined)?.length ?? 0 });
  return env.fakes.answer(subgraph, query, variables, faults);
}

/**
 * bizgraph reports a fetch the subgraph did not answer at each response path it should have filled
 * (`failureErrors` in execute.ts), where @apollo/gateway sends that one error without a path. The
 * errors of one failed fetch share their original: collapsed back to it, the rest of the answer is
 * compared as it is. (The per-path errors themselves are tested in executor.test.ts.)
 */
export function collapseFetchFailures(result: PlanExecutionResult): PlanExecutionResult {
  if (!result.errors) return result;
  const collapsed: GraphQLError[] = [];
  const seen = new Set<GraphQLError>();
  for (const error of result.errors) {
    const failure = error.originalError;
    if (!(failure instanceof GraphQLError) || failure === error) {
      collapsed.push(error);
    } else if (!seen.has(failure)) {
      seen.add(failure);
      collapsed.push(failure);
    }
  }
  return { ...result, errors: collapsed };
}

interface ComparableError {
  message: string;
  path?: readonly (string | number)[];
  code?: unknown;
}

/** The parts of a result the comparison looks at: data as JSON text (key order included), errors sorted. */
export function comparable(result: { data?: unknown; errors?: readonly unknown[]; extensions?: Record<string, unknown> }) {
  const errors = (list: readonly unknown[] | undefined) =>
    list
      ?.map((error): ComparableError => {
        const { message, path, extensions } = error as GraphQLError;
        return { message, path: path ?? undefined, code: extensions?.code };
      })
      .map((error) => JSON.stringify(error))
      .sort();
  return {
    data: JSON.stringify(result.data),
    errors: errors(result.errors),
    valueCompletion: errors(result.extensions?.valueCompletion as unknown[] | undefined),
  };
}
