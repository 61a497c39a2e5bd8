import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import { getOperationAST, parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayContext, GatewayPrincipal } from '../context.js';
import { deniedCoordinates, enforcePolicy } from './enforce.js';
import { loadEngine, principal, type Engine } from '../../../test/helpers/authz-harness.js';

/**
 * The wrapper around @apollo/gateway's executor, in process: what it hands the planner (document,
 * operation, queryHash) and that a rewrite is computed once per operation and caller rights. The
 * real planner and subgraphs are exercised over HTTP in test/authz-filter.test.ts.
 */
let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});
afterAll(() => engine.stop());

interface Seen {
  queryHash: string;
  document: unknown;
  printed: string;
  operationName: string | undefined;
}

/** Stands in for @apollo/gateway: records what it is asked to plan and answers `data`. */
function recordingGateway(data: Record<string, unknown>) {
  const seen: Seen[] = [];
  const executor: GatewayExecutor = async (context) => {
    seen.push({ queryHash: context.queryHash, document: context.document, printed: print(context.document), operationName: context.operation.name?.value });
    return { data: structuredClone(data) };
  };
  const gateway: GatewayInterface = {
    onSchemaLoadOrUpdate: () => () => undefined,
    load: async () => ({ executor }),
    stop: async () => undefined,
  };
  return { gateway, seen };
}

function requestContext(query: string, caller: GatewayPrincipal | null, queryHash: string, variables?: Record<string, unknown>) {
  const document = parse(query);
  const context: GatewayContext = { requestId: 'r1', principal: caller };
  return {
    request: { query, variables },
    schema: engine.schema,
    document,
    operation: getOperationAST(document)!,
    operationName: getOperationAST(document)!.name?.value ?? null,
    queryHash,
    source: query,
    context,
    metrics: {},
  } as unknown as GatewayGraphQLRequestContext<GatewayContext>;
}

async function executorOf(gateway: GatewayInterface): Promise<GatewayExecutor> {
  const { executor } = await gateway.load({ apollo: {} });
  return executor!;
}

describe('enforcePolicy', () => {
  it('plans the rewritten operation under the hash of its own text, computed once per caller rights', async () => {
    const { gateway, seen } = recordingGateway({ user: { displayName: 'Ada' } });
    const execute = await executorOf(enforcePolicy(gateway, { policy: engine.policy, mode: 'filter' }));
    const query = 'query Card { user(id: "u1") { displayName email } }';
    const first = requestContext(query, principal('finance:read'), 'client-hash');
    expect(await execute(first)).toEqual({
      data: { user: { displayName: 'Ada', email: null } },
      errors: [expect.objectContaining({ message: 'Not authorized to read User.email', path: ['user', 'email'] })],
    });
    await execute(requestContext(query, principal('finance:read unrelated'), 'client-hash'));
    expect(seen[1]!.document).toBe(seen[0]!.document);
    expect(seen[0]!.printed).toBe('query Card {\n  user(id: "u1") {\n    displayName\n  }\n}');
    expect(seen[0]!.queryHash).toMatch(/^[0-9a-f]{64}$/);
    expect(seen[0]!.queryHash).not.toBe('client-hash');
    expect(seen[0]!.operationName).toBe('Card');
    expect(deniedCoordinates(first.context)).toEqual(['User.email']);
  });

  it('passes an operation with nothing denied through untouched, under the client hash', async () => {
    const { gateway, seen } = recordingGateway({ user: { displayName: 'Ada', email: 'ada@globex.test' } });
    const execute = await executorOf(enforcePolicy(gateway, { policy: engine.policy, mode: 'filter' }));
    const context = requestContext('{ user(id: "u1") { displayName email } }', principal('pii:read'), 'client-hash');
    expect(await execute(context)).toEqual({ data: { user: { displayName: 'Ada', email: 'ada@globex.test' } } });
    expect(seen[0]!.document).toBe(context.document);
    expect(seen[0]!.queryHash).toBe('client-hash');
    expect(deniedCoordinates(context.context)).toEqual([]);
  });

  it('refuses in reject mode with HTTP 403 and the denied coordinates, planning nothing', async () => {
    const { gateway, seen } = recordingGateway({});
    const execute = await executorOf(enforcePolicy(gateway, { policy: engine.policy, mode: 'reject' }));
    const result = await execute(requestContext('{ user(id: "u1") { balance email } }', null, 'h'));
    expect(result.errors?.map((error) => ({ message: error.message, extensions: error.extensions }))).toEqual([
      { message: 'Not authorized to read User.balance, User.email', extensions: { code: 'FORBIDDEN', denied: ['User.balance', 'User.email'], http: { status: 403 } } },
    ]);
    expect(seen).toEqual([]);
  });
});
