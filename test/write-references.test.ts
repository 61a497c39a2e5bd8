import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset } from './helpers/expected.js';
import { type Stack, graphqlAsAdmin as graphql, startStack } from './helpers/stack.js';

/**
 * Issue 14: a write that references another system's record is checked there first. Before,
 * `createOrder` for `cus_999999` created the order and reserved stock (`customer: null` on reading
 * it back) and `openTicket` accepted an order number the ERP never issued: the orphans
 * `npm run integrity` reports. Now the unknown key is refused naming the input field and nothing
 * is written; with the owner down the write is refused (`reject`), not written unchecked.
 */

const CREATE_ORDER = /* GraphQL */ `
  mutation ($input: CreateOrderInput!) {
    createOrder(input: $input) {
      number
      customer {
        id
      }
    }
  }
`;
const OPEN_TICKET = /* GraphQL */ `
  mutation ($input: OpenTicketInput!) {
    openTicket(input: $input) {
      id
      order {
        number
      }
    }
  }
`;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const product = dataset.products[7]!;
const stockOf = async () => (await graphql(stack.gatewayUrl, `{ product(sku: "${product.sku}") { stock } }`)).body.data!.product.stock as number;
const newestOrder = async () => (await graphql(stack.gatewayUrl, '{ orders(first: 1) { nodes { number } } }')).body.data!.orders.nodes[0].number as string;
/** Tickets are listed newest first: the newest id changes with every ticket opened. */
const newestTicket = async () => (await graphql(stack.gatewayUrl, '{ tickets(first: 1) { nodes { id } } }')).body.data!.tickets.nodes[0].id as string;

describe('references written into another system', () => {
  it('refuses an order for a customer the CRM does not know, naming input.customerId, and writes nothing', async () => {
    const [stock, newest] = [await stockOf(), await newestOrder()];
    const refused = await graphql(stack.gatewayUrl, CREATE_ORDER, { input: { idempotencyKey: 'ref-1', customerId: 'cus_999999', lines: [{ sku: product.sku, quantity: 1 }] } });
    expect(refused.status).toBe(400);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors).toEqual([
      {
        message: 'input.customerId "cus_999999" names no Customer in crm: nothing was written',
        extensions: { code: 'BAD_USER_INPUT', field: 'input.customerId', system: 'crm' },
      },
    ]);
    expect([await stockOf(), await newestOrder()]).toEqual([stock, newest]);

    const created = await graphql(stack.gatewayUrl, CREATE_ORDER, { input: { idempotencyKey: 'ref-2', customerId: 'cus_0003', lines: [{ sku: product.sku, quantity: 1 }] } });
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data!.createOrder.customer).toEqual({ id: 'cus_0003' });
    expect(await stockOf()).toBe(stock - 1);
  });

  it('refuses a ticket about an order the ERP never issued, naming input.orderNumber, and opens nothing', async () => {
    const customer = dataset.customers[4]!;
    const before = await newestTicket();
    const input = { idempotencyKey: 'ref-ticket-1', requesterEmail: customer.email, subject: 'Where is it?' };
    const refused = await graphql(stack.gatewayUrl, OPEN_TICKET, { input: { ...input, orderNumber: 'SO-999999' } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { message: 'input.orderNumber "SO-999999" names no Order in erp: nothing was written', extensions: { code: 'BAD_USER_INPUT', field: 'input.orderNumber', system: 'erp' } },
    ]);
    expect(await newestTicket()).toBe(before);

    const order = dataset.orders.find((candidate) => candidate.customerId === customer.id)!;
    const opened = await graphql(stack.gatewayUrl, OPEN_TICKET, { input: { ...input, idempotencyKey: 'ref-ticket-2', orderNumber: order.number } });
    expect(opened.body.errors).toBeUndefined();
    expect(opened.body.data!.openTicket.order).toEqual({ number: order.number });
    // A ticket about no order at all references nothing: nothing to check.
    const general = await graphql(stack.gatewayUrl, OPEN_TICKET, { input: { ...input, idempotencyKey: 'ref-ticket-3' } });
    expect(general.body.data!.openTicket.order).toBeNull();
    expect(await newestTicket()).toBe(general.body.data!.openTicket.id);
  });

  it('refuses the write with UPSTREAM_ERROR naming the CRM while the CRM subgraph is down, writing nothing', async () => {
    const [stock, newest] = [await stockOf(), await newestOrder()];
    const port = Number(new URL(stack.subgraphs.crm.url).port);
    stack.subgraphs.crm.child.kill('SIGKILL');
    try {
      const refused = await graphql(stack.gatewayUrl, CREATE_ORDER, { input: { idempotencyKey: 'ref-3', customerId: 'cus_0003', lines: [{ sku: product.sku, quantity: 1 }] } });
      expect(refused.body.data).toEqual({ createOrder: null });
      expect(refused.body.errors).toHaveLength(1);
      expect(refused.body.errors![0]).toMatchObject({ path: ['createOrder'], extensions: { code: 'UPSTREAM_ERROR', system: 'crm', subgraph: 'crm', field: 'input.customerId' } });
      expect([await stockOf(), await newestOrder()]).toEqual([stock, newest]);
    } finally {
      await stack.restartSubgraph('crm', port);
    }
  });
});
