import { join } from 'node:path';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { executeQueryPlan, buildOperationContext, type GraphQLDataSource } from '@apollo/gateway';
import { executePlan, preparePlan, type SubgraphRequest, type SubgraphResponse } from '../../gateway/src/execution/index.js';
import { composeFixture, loadSupergraph, planOperation } from './harness.js';

/**
 * `@context`/`@fromContext` are checked against an expected answer, not against Apollo:
 * @apollo/gateway 2.14 refuses such supergraphs (`Supergraph.build`: "feature
 * https://specs.apollo.dev/context/v0.1 is for: SECURITY but is unsupported") and its
 * `executeQueryPlan` ignores a plan's `contextRewrites`, so the subgraph never gets the value.
 */
const env = loadSupergraph('context', composeFixture(join(import.meta.dirname, '../fixtures/execution/context')), { routerFeatures: true });
const query = '{ companies { name departments { name budget } } }';

/** org answers the companies; budget formats a department's budget in the currency it is sent. */
async function subgraphs(request: SubgraphRequest): Promise<SubgraphResponse> {
  if (request.subgraph === 'org') {
    const department = (id: string) => ({ __typename: 'Department', id, name: `dept ${id}` });
    return {
      data: {
        companies: [
          { __typename: 'Company', name: 'Acme', currency: 'EUR', departments: [department('d1'), department('d2')] },
          { __typename: 'Company', name: 'Globex', currency: 'USD', departments: [department('d3')] },
          { __typename: 'Company', name: 'Initech', currency: 'EUR', departments: [department('d2')] },
        ],
      },
    };
  }
  const currency = request.variables.contextualArgument_1_0 ?? 'NO CURRENCY';
  const representations = request.variables.representations as { id: string }[];
  return { data: { _entities: representations.map(({ id }) => ({ budget: `${String(currency)} 100 for ${id}` })) } };
}

describe('@fromContext arguments', () => {
  it('sends each department the currency of the company it is reached from, one request per currency', async () => {
    const document = parse(query);
    const requests: SubgraphRequest[] = [];
    const result = await executePlan(preparePlan(env.execution, planOperation(env, document), document), {}, (request) => {
      requests.push(request);
      return subgraphs(request);
    });
    expect(JSON.parse(JSON.stringify(result))).toEqual({
      data: {
        companies: [
          {
            name: 'Acme',
            departments: [
              { name: 'dept d1', budget: 'EUR 100 for d1' },
              { name: 'dept d2', budget: 'EUR 100 for d2' },
            ],
          },
          { name: 'Globex', departments: [{ name: 'dept d3', budget: 'USD 100 for d3' }] },
          { name: 'Initech', departments: [{ name: 'dept d2', budget: 'EUR 100 for d2' }] },
        ],
      },
    });
    const budgetRequests = requests.filter((request) => request.subgraph === 'budget').map((request) => ({ ...request.variables }));
    expect(budgetRequests).toEqual([
      {
        contextualArgument_1_0: 'EUR',
        representations: [
          { __typename: 'Department', id: 'd1' },
          { __typename: 'Department', id: 'd2' },
        ],
      },
      { contextualArgument_1_0: 'USD', representations: [{ __typename: 'Department', id: 'd3' }] },
    ]);
  });

  const pathOf = (options: object) => ('pathInIncomingRequest' in options ? (options.pathInIncomingRequest as ReadonlyArray<string | number>) : []);

  it('is where @apollo/gateway is wrong: its executeQueryPlan never sends the contextual value', async () => {
    const document = parse(query);
    const serviceMap: Record<string, GraphQLDataSource> = {
      org: { process: (options) => subgraphs({ subgraph: 'org', query: options.request.query!, variables: options.request.variables ?? {}, path: pathOf(options) }) as never },
      budget: {
        process: (options) => subgraphs({ subgraph: 'budget', query: options.request.query!, variables: options.request.variables ?? {}, path: pathOf(options) }) as never,
      },
    };
    const operationContext = buildOperationContext({ schema: env.apiGraphQL, operationDocument: document });
    const requestContext = { request: { variables: {} }, context: {}, metrics: {} } as never;
    const apollo = await executeQueryPlan(planOperation(env, document), serviceMap, requestContext, operationContext, env.supergraphGraphQL, env.supergraph.apiSchema());
    const budgets = (apollo.data as { companies: { departments: { budget: string }[] }[] }).companies.flatMap((company) =>
      company.departments.map((department) => department.budget),
    );
    expect(budgets).toEqual(['NO CURRENCY 100 for d1', 'NO CURRENCY 100 for d2', 'NO CURRENCY 100 for d3', 'NO CURRENCY 100 for d2']);
  });
});
