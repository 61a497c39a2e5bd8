import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCounters, resetCounters } from './helpers/counters.js';
import { CUSTOMER_OVERVIEW, dataset, expectedOverview, INVOICE_STATUS } from './helpers/expected.js';
import { borrowStack, type SharedStack } from './helpers/shared-stack.js';
import { graphqlAsAdmin as graphql } from './helpers/stack.js';

/** Cross-subgraph reads through the gateway over real HTTP, with exact answers and upstream counts. */
let stack: SharedStack;
beforeAll(async () => {
  stack = await borrowStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('one endpoint over five systems', () => {
  it('answers the README query with data from CRM, ERP, billing and the support desk', async () => {
    const first = await graphql(stack.gatewayUrl, '{ customers(first: 1) { nodes { id } } }');
    expect(first.body).toEqual({ data: { customers: { nodes: [{ id: 'cus_0001' }] } } });

    const response = await graphql(stack.gatewayUrl, CUSTOMER_OVERVIEW, { id: 'cus_0001' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: expectedOverview('cus_0001') });
    const overview = response.body.data!.customer;
    // The first customer is seeded with a full history, so every system really contributed.
    expect(overview.orders.nodes).toHaveLength(3);
    expect(overview.tickets.nodes).toHaveLength(3);
    expect(overview.orders.nodes.some((order: { invoice: unknown }) => order.invoice !== null)).toBe(true);
  });

  it("answers the README's curl query with data from all five systems, shipments included", async () => {
    // The very text a reader pastes: the JSON body of the first curl in "One query, five systems".
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## One query, five systems'));
    const body = JSON.parse(/-d '(\{"query".*\})'/.exec(section)![1]!) as { query: string };
    const response = await graphql(stack.gatewayUrl, body.query);
    expect(response.body.errors).toBeUndefined();
    const orders = response.body.data!.customer.orders.nodes as Array<{ number: string; shipments: Array<{ carrier: string; status: string }> }>;
    expect(orders.map((order) => order.number)).toEqual(expectedOverview('cus_0001').customer.orders.nodes.map((order) => order.number));
    for (const order of orders) {
      const seeded = dataset.shipments.filter((shipment) => shipment.orderNumber === order.number);
      expect(order.shipments.map(({ carrier, status }) => `${carrier} ${status}`).sort()).toEqual(seeded.map(({ carrier, status }) => `${carrier} ${status}`).sort());
    }
    // cus_0001's recent orders were shipped: logistics really contributed.
    expect(orders.flatMap((order) => order.shipments).length).toBeGreaterThan(0);
    expect(response.body.data!.customer.tickets.nodes).toHaveLength(3);
    expect(response.body.data!.customer.balance).not.toBeNull();
  });

  it('answers null for an unknown id', async () => {
    const response = await graphql(stack.gatewayUrl, '{ customer(id: "cus_9999") { name } order(number: "SO-1") { id } }');
    expect(response.body).toEqual({ data: { customer: null, order: null } });
  });

  it('follows references back across systems and answers null for seeded orphans', async () => {
    const orphanNumber = dataset.orphans.invoiceOrderNumbers[0]!;
    const orphan = dataset.invoices.find((invoice) => invoice.orderNumber === orphanNumber)!;
    const response = await graphql(
      stack.gatewayUrl,
      /* GraphQL */ `
        query ($number: String!) {
          invoice(number: $number) {
            number
            status
            order {
              number
              status
            }
            customer {
              id
            }
          }
        }
      `,
      { number: orphan.number },
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toEqual({
      invoice: { number: orphan.number, status: INVOICE_STATUS[orphan.statusCode], order: null, customer: { id: orphan.crmRef } },
    });
    // @apollo/gateway explains the null: the ERP resolved no order for that number.
    expect(response.body.extensions).toEqual({
      valueCompletion: [{ message: 'Cannot return null for non-nullable field Order.status.', path: ['invoice', 'order', 'status'], extensions: { code: 'INVALID_GRAPHQL' } }],
    });
  });
});

describe('batching, counted where calls land', () => {
  it.each([10, 100, 500])('%i orders with customer and invoice: ⌈customers/100⌉ CRM calls, one SQL statement per system', async (size) => {
    await resetCounters(stack);
    const response = await graphql(
      stack.gatewayUrl,
      /* GraphQL */ `
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
      `,
      { first: size },
    );
    expect(response.body.errors).toBeUndefined();
    const nodes = response.body.data!.orders.nodes as Array<{ customer: { id: string; name: string }; invoice: { number: string } | null }>;
    expect(nodes).toHaveLength(size);
    expect(nodes.every((node) => node.customer.name.length > 0)).toBe(true);
    const distinctCustomers = new Set(nodes.map((node) => node.customer.id)).size;
    const counts = await readCounters(stack);
    expect(counts.crmRequests).toEqual({ 'GET /customers': Math.ceil(distinctCustomers / 100) });
    expect(counts.erpStatements).toBe(1);
    expect(counts.billingStatements).toBe(1);
    expect(counts.supportRequests).toEqual({});
  });

  it('the four-system dashboard over 20 customers costs a fixed number of upstream calls', async () => {
    await resetCounters(stack);
    const response = await graphql(
      stack.gatewayUrl,
      /* GraphQL */ `
        {
          customers(first: 20) {
            nodes {
              id
              name
              email
              orders(first: 5) {
                nodes {
                  number
                  status
                  total {
                    amount
                  }
                  invoice {
                    number
                    status
                  }
                  paymentStatus
                }
              }
              tickets(first: 5) {
                nodes {
                  subject
                  status
                }
              }
              balance {
                amount
                currency
              }
            }
          }
        }
      `,
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.customers.nodes).toHaveLength(20);
    const counts = await readCounters(stack);
    // CRM: one list page. Support: one batch of 20 emails. ERP: one windowed statement for the
    // 20 customers' orders. Billing: one for balances, then one for the orders' invoices + status.
    expect(counts.crmRequests).toEqual({ 'GET /customers': 1 });
    expect(counts.supportRequests).toEqual({ 'GET /tickets': 1 });
    expect(counts.erpStatements).toBe(1);
    expect(counts.billingStatements).toBe(2);
  });
});
