import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset } from './helpers/expected.js';
import { type Stack, graphqlAsAdmin as graphql, startStack } from './helpers/stack.js';

/**
 * Writes through the gateway reach only the owning system; replays are idempotent even after the
 * owning subgraph restarts; bad input is a precise error and writes nothing.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const CREATE_ORDER = /* GraphQL */ `
  mutation ($input: CreateOrderInput!) {
    createOrder(input: $input) {
      id
      number
      status
      total {
        amount
        currency
      }
      lines {
        quantity
        product {
          sku
          stock
        }
      }
      customer {
        id
        name
      }
    }
  }
`;

describe('createOrder (ERP)', () => {
  const product = dataset.products[5]!;
  const input = { idempotencyKey: 'gw-order-1', customerId: 'cus_0002', lines: [{ sku: product.sku, quantity: 2 }] };

  it('creates once, replays the first result, even after the ERP subgraph restarts', async () => {
    const created = await graphql(stack.gatewayUrl, CREATE_ORDER, { input });
    expect(created.body.errors).toBeUndefined();
    const order = created.body.data!.createOrder;
    expect(order).toMatchObject({
      status: 'APPROVED',
      lines: [{ quantity: 2, product: { sku: product.sku } }],
      customer: { id: 'cus_0002', name: dataset.customers[1]!.name },
    });
    const stockAfter = order.lines[0].product.stock;

    const replay = await graphql(stack.gatewayUrl, CREATE_ORDER, { input });
    expect(replay.body).toEqual(created.body);

    const port = Number(new URL(stack.subgraphs.erp.url).port);
    await stack.subgraphs.erp.stop();
    await stack.restartSubgraph('erp', port);
    const afterRestart = await graphql(stack.gatewayUrl, CREATE_ORDER, { input });
    expect(afterRestart.body).toEqual(created.body);

    const stock = await graphql(stack.gatewayUrl, `{ product(sku: "${product.sku}") { stock } }`);
    expect(stock.body).toEqual({ data: { product: { stock: stockAfter } } });
  });

  it('rejects an unknown SKU with the field it concerns and writes nothing', async () => {
    const before = await graphql(stack.gatewayUrl, '{ orders(first: 1) { nodes { number } } }');
    const response = await graphql(stack.gatewayUrl, CREATE_ORDER, {
      input: {
        idempotencyKey: 'gw-order-bad',
        customerId: 'cus_0002',
        lines: [
          { sku: dataset.products[0]!.sku, quantity: 1 },
          { sku: 'SKU-NOPE', quantity: 1 },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ createOrder: null });
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', system: 'erp', field: 'input.lines.1.sku' });
    const after = await graphql(stack.gatewayUrl, '{ orders(first: 1) { nodes { number } } }');
    expect(after.body).toEqual(before.body);
  });
});

describe('updateCustomer (CRM)', () => {
  it('accepts the version the client read and answers CONFLICT to a stale writer', async () => {
    const read = await graphql(stack.gatewayUrl, '{ customer(id: "cus_0003") { version } }');
    const version = read.body.data!.customer.version as string;
    const update = /* GraphQL */ `
      mutation ($v: String!, $name: String!) {
        updateCustomer(id: "cus_0003", expectedVersion: $v, input: { name: $name }) {
          name
          version
        }
      }
    `;
    const first = await graphql(stack.gatewayUrl, update, { v: version, name: 'Writer A' });
    expect(first.body.data!.updateCustomer.name).toBe('Writer A');
    expect(first.body.data!.updateCustomer.version).not.toBe(version);
    const second = await graphql(stack.gatewayUrl, update, { v: version, name: 'Writer B' });
    expect(second.body.data).toEqual({ updateCustomer: null });
    expect(second.body.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', system: 'crm' });
    const final = await graphql(stack.gatewayUrl, '{ customer(id: "cus_0003") { name } }');
    expect(final.body).toEqual({ data: { customer: { name: 'Writer A' } } });
  });
});

describe('recordPayment (billing) and openTicket (support)', () => {
  it('records a payment once and shows it on the invoice', async () => {
    const open = dataset.invoices.find((invoice) => invoice.statusCode === 'O' && !dataset.payments.some((p) => p.invoiceId === invoice.id))!;
    const mutation = /* GraphQL */ `
      mutation ($input: RecordPaymentInput!) {
        recordPayment(input: $input) {
          id
          amount {
            amount
            currency
          }
          method
          invoice {
            number
            status
            amountDue {
              amount
            }
          }
        }
      }
    `;
    const input = { idempotencyKey: 'gw-pay-1', invoiceNumber: open.number, amount: '1.00', currency: open.currency, method: 'BANK_TRANSFER' };
    const first = await graphql(stack.gatewayUrl, mutation, { input });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data!.recordPayment).toMatchObject({
      amount: { amount: '1.00', currency: open.currency },
      method: 'BANK_TRANSFER',
      invoice: { number: open.number, status: 'OPEN' },
    });
    const replay = await graphql(stack.gatewayUrl, mutation, { input });
    expect(replay.body).toEqual(first.body);
    const invoice = await graphql(stack.gatewayUrl, `{ invoice(number: "${open.number}") { payments { id } } }`);
    expect(invoice.body.data!.invoice.payments).toEqual([{ id: first.body.data!.recordPayment.id }]);
  });

  it('opens a ticket once and links it to the customer by email', async () => {
    const customer = dataset.customers[3]!;
    const mutation = /* GraphQL */ `
      mutation ($input: OpenTicketInput!) {
        openTicket(input: $input) {
          id
          subject
          status
          priority
          customer {
            id
          }
        }
      }
    `;
    const input = { idempotencyKey: 'gw-ticket-1', requesterEmail: customer.email, subject: 'Where is my order?', priority: 'HIGH' };
    const first = await graphql(stack.gatewayUrl, mutation, { input });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data!.openTicket).toMatchObject({ subject: 'Where is my order?', status: 'NEW', priority: 'HIGH', customer: { id: customer.id } });
    const replay = await graphql(stack.gatewayUrl, mutation, { input });
    expect(replay.body).toEqual(first.body);
    const bad = await graphql(stack.gatewayUrl, mutation, { input: { ...input, idempotencyKey: 'gw-ticket-2', requesterEmail: 'not-an-email' } });
    expect(bad.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', system: 'support', field: 'input.requesterEmail' });
  });
});
