import { GraphQLError, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeServices } from '@apollo/composition';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import { createExecutionSchema, executePlan, preparePlan, UnsupportedPlanError, type SubgraphRequest, type SubgraphResponse } from './index.js';
import { MAX_FAILURE_PATHS } from './execute.js';

const shop = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Order @key(fields: "id") {
    id: ID!
    customer: Customer!
  }
  type Customer @key(fields: "id") {
    id: ID!
  }
  type Query {
    orders: [Order!]!
  }
  type Mutation {
    placeOrder: Order!
    cancelOrder: Boolean!
  }
`;
const crm = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Customer @key(fields: "id") {
    id: ID!
    name: String!
  }
  type Query {
    me: Customer
  }
  type Mutation {
    rename(name: String!): Customer!
  }
`;

function setUp() {
  const composed = composeServices([
    { name: 'shop', url: 'http://shop.invalid', typeDefs: parse(shop) },
    { name: 'crm', url: 'http://crm.invalid', typeDefs: parse(crm) },
  ]);
  if (composed.errors) throw composed.errors[0];
  const supergraph = Supergraph.build(composed.supergraphSdl);
  const planner = new QueryPlanner(supergraph);
  const schema = createExecutionSchema(supergraph);
  const prepare = (query: string) => {
    const document = parse(query);
    const plan = planner.buildQueryPlan(operationFromDocument(supergraph.apiSchema(), document));
    return preparePlan(schema, plan, document);
  };
  return { schema, prepare };
}

describe('preparePlan', () => {
  const { schema } = setUp();
  const document = parse('{ orders { id } }');

  it.each(['Defer', 'Subscription', 'Teleport'])('refuses a %s node before anything runs', (kind) => {
    const plan = { kind: 'QueryPlan', node: { kind } } as unknown as QueryPlan;
    expect(() => preparePlan(schema, plan, document)).toThrow(new UnsupportedPlanError(`Query plan node kind "${kind}" is not supported by bizgraph's executor`));
  });

  it('refuses an unsupported node nested deep in the plan', () => {
    const plan = { kind: 'QueryPlan', node: { kind: 'Sequence', nodes: [{ kind: 'Parallel', nodes: [{ kind: 'Defer', primary: {}, deferred: [] }] }] } } as unknown as QueryPlan;
    expect(() => preparePlan(schema, plan, document)).toThrow(/"Defer"/);
  });
});

describe('executePlan', () => {
  it('sends each distinct representation once and gives the answer to every entity that had it', async () => {
    const { prepare } = setUp();
    const requests: SubgraphRequest[] = [];
    const result = await executePlan(prepare('{ orders { id customer { name } } }'), {}, async (request): Promise<SubgraphResponse> => {
      requests.push(request);
      if (request.subgraph === 'shop') {
        const customer = (id: string) => ({ __typename: 'Customer', id });
        return {
          data: {
            orders: [
              { id: 'o1', customer: customer('c1') },
              { id: 'o2', customer: customer('c2') },
              { id: 'o3', customer: customer('c1') },
            ],
          },
        };
      }
      const representations = request.variables.representations as { id: string }[];
      return {
        data: { _entities: representations.map(({ id }) => ({ name: `name of ${id}` })) },
        errors: [{ message: 'slow customer', path: ['_entities', 0, 'name'], extensions: { code: 'SLOW' } }],
      };
    });
    expect(requests.map((request) => request.variables.representations)).toEqual([
      undefined,
      [
        { __typename: 'Customer', id: 'c1' },
        { __typename: 'Customer', id: 'c2' },
      ],
    ]);
    expect(JSON.parse(JSON.stringify(result.data))).toEqual({
      orders: [
        { id: 'o1', customer: { name: 'name of c1' } },
        { id: 'o2', customer: { name: 'name of c2' } },
        { id: 'o3', customer: { name: 'name of c1' } },
      ],
    });
    // The error about the shared customer is reported at both places it appears.
    expect(result.errors?.map((error) => [error.message, error.path, error.extensions.code])).toEqual([
      ['slow customer', ['orders', 0, 'customer', 'name'], 'SLOW'],
      ['slow customer', ['orders', 2, 'customer', 'name'], 'SLOW'],
    ]);
  });

  it('sends apart representations whose JSON differs: an id as text or number, a boolean, an object, null, or text that reads like one of them', async () => {
    const { prepare } = setUp();
    const ids: unknown[] = ['1', 1, 'a\u0001', 'a\u0001', 'j"a\\u0001"', 1, 'true', true, '"1"', { n: 1 }, { n: 1 }, null, 'null'];
    const requests: SubgraphRequest[] = [];
    const result = await executePlan(prepare('{ orders { customer { name } } }'), {}, async (request): Promise<SubgraphResponse> => {
      requests.push(request);
      if (request.subgraph === 'shop') return { data: { orders: ids.map((id) => ({ customer: { __typename: 'Customer', id } })) } };
      const representations = request.variables.representations as { id: unknown }[];
      return { data: { _entities: representations.map(({ id }) => ({ name: JSON.stringify(id) })) } };
    });
    expect(requests[1]?.variables.representations).toEqual([
      { __typename: 'Customer', id: '1' },
      { __typename: 'Customer', id: 1 },
      { __typename: 'Customer', id: 'a\u0001' },
      { __typename: 'Customer', id: 'j"a\\u0001"' },
      { __typename: 'Customer', id: 'true' },
      { __typename: 'Customer', id: true },
      { __typename: 'Customer', id: '"1"' },
      { __typename: 'Customer', id: { n: 1 } },
      { __typename: 'Customer', id: null },
      { __typename: 'Customer', id: 'null' },
    ]);
    expect(JSON.parse(JSON.stringify(result.data))).toEqual({ orders: ids.map((id) => ({ customer: { name: JSON.stringify(id) } })) });
  });

  it('answers response names such as __proto__ and constructor as own keys, touching no prototype', async () => {
    const { prepare } = setUp();
    const result = await executePlan(prepare('{ orders { __proto__: id constructor: id customer { toString: id } } }'), {}, async (request) => {
      expect(request.query).toContain('__proto__:id');
      // As the subgraph's JSON arrives: JSON.parse makes "__proto__" an own key.
      return JSON.parse('{"data":{"orders":[{"__proto__":"o1","constructor":"o1","customer":{"toString":"c1"}}]}}') as SubgraphResponse;
    });
    expect(result.errors).toBeUndefined();
    expect(JSON.stringify(result.data)).toBe('{"orders":[{"__proto__":"o1","constructor":"o1","customer":{"toString":"c1"}}]}');
    const order = (result.data!.orders as Record<string, unknown>[])[0]!;
    expect(Object.getPrototypeOf(Object.getPrototypeOf(order))).toBeNull();
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
  });

  it('runs the fetches of a Sequence strictly one after the other (mutations)', async () => {
    const { prepare } = setUp();
    const events: string[] = [];
    await executePlan(prepare('mutation { placeOrder { id } rename(name: "x") { id } cancelOrder }'), {}, async (request) => {
      events.push(`start ${request.subgraph}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push(`end ${request.subgraph}`);
      return { data: request.subgraph === 'shop' ? { placeOrder: { id: 'o1' }, cancelOrder: true } : { rename: { id: 'c1' } } };
    });
    expect(events).toEqual(['start shop', 'end shop', 'start crm', 'end crm', 'start shop', 'end shop']);
  });

  it('starts the fetches of a Parallel together', async () => {
    const { prepare } = setUp();
    const events: string[] = [];
    await executePlan(prepare('{ orders { id } me { name } }'), {}, async (request) => {
      events.push(`start ${request.subgraph}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push(`end ${request.subgraph}`);
      return { data: request.subgraph === 'shop' ? { orders: [] } : { me: null } };
    });
    expect(events.slice(0, 2).sort()).toEqual(['start crm', 'start shop']);
  });

  it('sends only the variables a fetch uses', async () => {
    const { prepare } = setUp();
    const requests: SubgraphRequest[] = [];
    await executePlan(prepare('mutation ($name: String!, $unused: Int) { rename(name: $name) { id } }'), { name: 'Ada', unused: 1 }, async (request) => {
      requests.push(request);
      return { data: { rename: { id: 'c1' } } };
    });
    expect(requests.map((request) => ({ ...request.variables }))).toEqual([{ name: 'Ada' }]);
  });

  describe('a fetch the subgraph does not answer', () => {
    const unavailable = () => new GraphQLError('Subgraph "crm" is unavailable', { extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'crm', system: 'crm' } });
    const orders = (count: number) => ({ data: { orders: Array.from({ length: count }, (_, i) => ({ id: `o${i}`, customer: { __typename: 'Customer', id: `c${i % 2}` } })) } });
    const crmDown =
      (count: number) =>
      async (request: SubgraphRequest): Promise<SubgraphResponse> => {
        if (request.subgraph === 'crm') throw unavailable();
        return orders(count);
      };

    it("gets an error at the root field it was to fill, with the seam's code, and the other fetch keeps its data", async () => {
      const { prepare } = setUp();
      const result = await executePlan(prepare('{ orders { id } me { name } }'), {}, crmDown(1));
      expect(JSON.parse(JSON.stringify(result.data))).toEqual({ orders: [{ id: 'o0' }], me: null });
      expect(result.errors?.map((error) => [error.message, error.path, error.extensions])).toEqual([
        ['Subgraph "crm" is unavailable', ['me'], { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'crm', system: 'crm' }],
      ]);
    });

    it('gets an error at each entity field it was to fill, whichever entities shared a representation', async () => {
      const { prepare } = setUp();
      const result = await executePlan(prepare('{ orders { id customer { id who: name } } }'), {}, crmDown(3));
      // Customer.name is non-null all the way up: the missing names null the whole answer.
      expect(result.data).toBeNull();
      expect(result.errors?.map((error) => [error.path, error.extensions.code])).toEqual([
        [['orders', 0, 'customer', 'who'], 'SUBGRAPH_UNAVAILABLE'],
        [['orders', 1, 'customer', 'who'], 'SUBGRAPH_UNAVAILABLE'],
        [['orders', 2, 'customer', 'who'], 'SUBGRAPH_UNAVAILABLE'],
      ]);
    });

    it(`reports at most ${MAX_FAILURE_PATHS} paths, then counts the ones left out`, async () => {
      const { prepare } = setUp();
      const result = await executePlan(prepare('{ orders { id customer { name } } }'), {}, crmDown(MAX_FAILURE_PATHS + 50));
      expect(result.errors).toHaveLength(MAX_FAILURE_PATHS + 1);
      expect(result.errors!.at(-2)!.path).toEqual(['orders', MAX_FAILURE_PATHS - 1, 'customer', 'name']);
      expect(result.errors!.at(-1)!.path).toBeUndefined();
      expect(result.errors!.at(-1)!.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'crm', system: 'crm', omittedPaths: 50 });
    });
  });
});
