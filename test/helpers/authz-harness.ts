import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { createRequire } from 'node:module';
import { buildSchema, getOperationAST, parse, type GraphQLSchema } from 'graphql';
import type { GatewayPrincipal } from '../../gateway/src/context.js';
import { createAccessChecker, principalScopes } from '../../gateway/src/authz/access.js';
import type { Step } from '../../gateway/src/authz/paths.js';
import { readSupergraphPolicy, type SupergraphPolicy } from '../../gateway/src/authz/policy.js';
import { activeDenials, answerDenials } from '../../gateway/src/authz/response.js';
import { rewriteOperation, type Rewrite } from '../../gateway/src/authz/rewrite.js';

/** In-process harness for the rewrite engine on the Globex fixture supergraph (test/fixtures/secure). */
export const SECURE_SUPERGRAPH = new URL('../fixtures/secure/supergraph.graphql', import.meta.url);

export interface Engine {
  policy: SupergraphPolicy;
  schema: GraphQLSchema;
  stop(): Promise<void>;
}

/** The API schema exactly as @apollo/gateway builds it (no subgraph is contacted by `load`). */
export async function loadEngine(): Promise<Engine> {
  const policy = readSupergraphPolicy(readFileSync(SECURE_SUPERGRAPH, 'utf8'));
  const gateway = new ApolloGateway({ supergraphSdl: policy.executableSdl, logger: { debug() {}, info() {}, warn() {}, error() {} } });
  const { schema } = (await gateway.load()) as unknown as { schema: GraphQLSchema };
  // Vitest loads graphql's ESM build, @apollo/gateway its CommonJS build (a Node process loads
  // CommonJS for both): the schema is printed by its own realm and rebuilt in ours.
  const cjsGraphql = createRequire(import.meta.url)('graphql') as { printSchema(schema: GraphQLSchema): string };
  return { policy, schema: buildSchema(cjsGraphql.printSchema(schema)), stop: () => gateway.stop() };
}

export function principal(scopes: string): GatewayPrincipal {
  return { subject: 'tester', scopes: scopes.split(' ').filter(Boolean) };
}

export function rewrite(engine: Engine, query: string, caller: GatewayPrincipal | null, operationName?: string): Rewrite | null {
  const document = parse(query);
  const operation = getOperationAST(document, operationName);
  if (!operation) throw new Error('no operation');
  return rewriteOperation(engine.schema, document, operation, createAccessChecker(engine.policy, engine.schema, principalScopes(caller)));
}

/** A denial as a readable line: `Coordinate @ key?.[]!.key?[Guard]  -> null at index`. */
export function describe(result: Rewrite | null): string[] {
  return (result?.denials ?? []).map((denial) => {
    const steps = denial.steps.map((step: Step) =>
      step.kind === 'item' ? `[]${step.nullable ? '?' : '!'}` : `${step.key}${step.nullable ? '?' : '!'}${step.guard ? `<${[...step.guard].join('|')}>` : ''}`,
    );
    const conditions = denial.conditions.map((c) => ('never' in c ? 'never' : `${c.include ? 'include' : 'skip'}:$${c.variable}`));
    return `${denial.coordinate} @ ${steps.join('.')} -> ${denial.nullAt}${conditions.length ? ` if ${conditions.join(',')}` : ''}`;
  });
}

/** What the client gets when the rewritten operation executes to `data`, as JSON text (key order matters). */
export function answer(result: Rewrite, data: Record<string, unknown> | null, variables?: Record<string, unknown>): string {
  const answered = answerDenials({ data: structuredClone(data) }, activeDenials(result, variables), result);
  return JSON.stringify({
    data: answered.data,
    ...(answered.errors ? { errors: answered.errors.map((error) => ({ message: error.message, path: error.path, extensions: error.extensions })) } : {}),
  });
}
