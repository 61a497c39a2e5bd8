import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCounters, resetCounters, type UpstreamCounts } from './helpers/counters.js';
import { CUSTOMER_OVERVIEW, expectedOverview, ordersOf } from './helpers/expected.js';
import { graphql } from './helpers/graphql.js';
import { borrowStack, type SharedStack } from './helpers/shared-stack.js';
import { bearer } from './helpers/tokens.js';

/**
 * The default limits on the whole stack: the README's query and the benchmark's 500-order page
 * pass; ten thousand orders are refused before any system is asked, also when the page sizes
 * arrive as variables (which validation, cached per document, cannot see).
 */
const PATHOLOGICAL = /* GraphQL */ `
  query Everything($customers: Int!, $orders: Int!) {
    customers(first: $customers) {
      nodes {
        id
        orders(first: $orders) {
          nodes {
            number
          }
        }
      }
    }
  }
`;
const NOTHING_UPSTREAM: UpstreamCounts = { crmRequests: {}, supportRequests: {}, erpStatements: 0, billingStatements: 0 };
/** The gateway's answer to an operation over the default cost limit, with its hint. */
const costRefusal = (found: number, field: string, largestFirst: number) => ({
  status: 400,
  body: {
    errors: [
      {
        message: `Operation cost ${found} exceeds the limit of 5000; ${field}(first: ${largestFirst}) would fit`,
        extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit: 'cost', max: 5000, found, field, largestFirst },
      },
    ],
  },
});
const TOO_COSTLY = costRefusal(20200, 'customers', 24);

let stack: SharedStack;
let admin: Record<string, string>;
beforeAll(async () => {
  stack = await borrowStack();
  admin = await bearer(stack.dataDir, { preset: 'admin' });
});
afterAll(async () => {
  await stack?.stop();
});

describe('default operation limits on the stack', () => {
  it("let the README's four-system query through", async () => {
    const { status, body } = await graphql(stack.gatewayUrl, CUSTOMER_OVERVIEW, { id: 'cus_0001' }, admin);
    expect({ status, body }).toEqual({ status: 200, body: { data: expectedOverview('cus_0001') } });
  });

  it('let 500 orders with their customer and invoice through, the page size a variable', async () => {
    const query = /* GraphQL */ `
      query ($first: Int!) {
        orders(first: $first) {
          nodes {
            number
            customer {
              id
              name
            }
            invoice {
              number
            }
          }
        }
      }
    `;
    const response = await graphql(stack.gatewayUrl, query, { first: 500 }, admin);
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.orders.nodes).toHaveLength(500);
  });

  it('refuse ten thousand orders with literal page sizes, asking no system', async () => {
    await resetCounters(stack);
    const literal = '{ customers(first: 100) { nodes { id orders(first: 100) { nodes { number } } } } }';
    const { status, body } = await graphql(stack.gatewayUrl, literal, undefined, admin);
    expect({ status, body }).toEqual(TOO_COSTLY);
    expect(await readCounters(stack)).toEqual(NOTHING_UPSTREAM);
  });

  it('refuse ten thousand orders with page sizes from variables, asking no system', async () => {
    await resetCounters(stack);
    const { status, body } = await graphql(stack.gatewayUrl, PATHOLOGICAL, { customers: 100, orders: 100 }, admin);
    expect({ status, body }).toEqual(TOO_COSTLY);
    expect(await readCounters(stack)).toEqual(NOTHING_UPSTREAM);
  });

  it("refuse a thousand customers' orders at their default page size when first is left out or its variable not sent, asking no system", async () => {
    await resetCounters(stack);
    const refusal = costRefusal(42000, 'customers', 119);
    const omitted = '{ customers(first: 1000) { nodes { id orders { nodes { number } } } } }';
    const unsent = 'query Orders($orders: Int) { customers(first: 1000) { nodes { id orders(first: $orders) { nodes { number } } } } }';
    for (const [query, variables] of [
      [omitted, undefined],
      [unsent, {}],
    ] as const) {
      const { status, body } = await graphql(stack.gatewayUrl, query, variables, admin);
      expect({ status, body }).toEqual(refusal);
    }
    expect(await readCounters(stack)).toEqual(NOTHING_UPSTREAM);
  });

  it("refuse a thousand orders' lines at the @listSize the ERP declares for them (5), asking no system", async () => {
    await resetCounters(stack);
    const { status, body } = await graphql(stack.gatewayUrl, '{ orders(first: 1000) { nodes { lines { lineNumber product { sku } } } } }', undefined, admin);
    expect({ status, body }).toEqual(costRefusal(12000, 'orders', 416));
    expect(await readCounters(stack)).toEqual(NOTHING_UPSTREAM);
  });

  it('answer the same operation with small page sizes', async () => {
    const { status, body } = await graphql(stack.gatewayUrl, PATHOLOGICAL, { customers: 2, orders: 1 }, admin);
    const firstOrder = (id: string) => ({
      id,
      orders: {
        nodes: ordersOf(id)
          .slice(0, 1)
          .map(({ number }) => ({ number })),
      },
    });
    expect({ status, body }).toEqual({ status: 200, body: { data: { customers: { nodes: [firstOrder('cus_0001'), firstOrder('cus_0002')] } } } });
  });
});
