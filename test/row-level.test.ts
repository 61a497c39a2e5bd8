import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset, newestFirst, ordersOf } from './helpers/expected.js';
import { graphql } from './helpers/graphql.js';
import { borrowStack, type SharedStack } from './helpers/shared-stack.js';
import { bearer } from './helpers/tokens.js';

/**
 * Row-level rules end to end: a `portal` token for customer A, sent to the gateway, asking for
 * customer B's data. The owning subgraphs refuse every row of B, so no data of B appears
 * anywhere in the answer: only `null` and FORBIDDEN errors naming the system that refused.
 */
const A = dataset.customers.find((customer) => customer.id === 'cus_0001')!;
const B = dataset.customers.find((customer) => customer.id === 'cus_0002')!;
const invoicesOf = (customerId: string) =>
  newestFirst(
    dataset.invoices.filter((invoice) => invoice.crmRef === customerId),
    (invoice) => invoice.issuedOn,
  );
const ticketsOf = (email: string) =>
  newestFirst(
    dataset.tickets.filter((ticket) => ticket.requesterEmail === email),
    (ticket) => ticket.createdAt,
  );

const CUSTOMER = 'query ($id: ID!) { customer(id: $id) { name orders { nodes { number } } invoices { nodes { number } } tickets { nodes { id } } } }';
const BY_EMAIL = 'query ($email: String!) { customerByEmail(email: $email) { id name orders { nodes { number } } } }';
const ORDER = 'query ($number: String!) { order(number: $number) { number customer { id name } invoice { number } tickets { nodes { id } } } }';
const INVOICE = 'query ($number: String!) { invoice(number: $number) { number amount { amount } customer { id name } order { number } } }';
const LISTS = '{ customers(first: 100) { nodes { id } } orders(first: 100) { nodes { number } } invoices(first: 100) { nodes { number } } tickets(first: 100) { nodes { id } } }';

/** A row refused by its owning subgraph, as the gateway passes it on. */
const forbidden = (system: string, what: string, path: string[]) => ({
  message: `not allowed to access another customer's ${what}`,
  path,
  extensions: { code: 'FORBIDDEN', system, subgraph: system, serviceName: system },
});

let stack: SharedStack;
let asA: Record<string, string>;
const query = async (text: string, variables?: Record<string, unknown>) => {
  const response = await graphql(stack.gatewayUrl, text, variables, asA);
  expect(response.status).toBe(200);
  return response.body;
};
beforeAll(async () => {
  stack = await borrowStack();
  asA = await bearer(stack.dataDir, { preset: 'portal', customer: A.id });
});
afterAll(async () => {
  await stack?.stop();
});

describe('a portal token for cus_0001 through the gateway', () => {
  it("gets no data of cus_0002's customer record, orders, invoices or tickets", async () => {
    expect(await query(CUSTOMER, { id: B.id })).toEqual({ data: { customer: null }, errors: [forbidden('crm', 'customer record', ['customer'])] });
    expect(await query(BY_EMAIL, { email: B.email })).toEqual({
      data: { customerByEmail: null },
      errors: [forbidden('crm', 'customer record', ['customerByEmail'])],
    });
  });

  it("gets no data of cus_0002's order or invoice by number", async () => {
    expect(await query(ORDER, { number: ordersOf(B.id)[0]!.number })).toEqual({ data: { order: null }, errors: [forbidden('erp', 'order', ['order'])] });
    expect(await query(INVOICE, { number: invoicesOf(B.id)[0]!.number })).toEqual({
      data: { invoice: null },
      errors: [forbidden('billing', 'invoice', ['invoice'])],
    });
  });

  it('gets its own customer record with its orders, invoices and tickets from every system', async () => {
    expect(await query(CUSTOMER, { id: A.id })).toEqual({
      data: {
        customer: {
          name: A.name,
          orders: {
            nodes: ordersOf(A.id)
              .slice(0, 20)
              .map(({ number }) => ({ number })),
          },
          invoices: {
            nodes: invoicesOf(A.id)
              .slice(0, 20)
              .map(({ number }) => ({ number })),
          },
          tickets: {
            nodes: ticketsOf(A.email)
              .slice(0, 20)
              .map(({ id }) => ({ id })),
          },
        },
      },
    });
  });

  it('lists only its own rows in every root list', async () => {
    expect(await query(LISTS)).toEqual({
      data: {
        customers: { nodes: [{ id: A.id }] },
        orders: { nodes: ordersOf(A.id).map(({ number }) => ({ number })) },
        invoices: { nodes: invoicesOf(A.id).map(({ number }) => ({ number })) },
        tickets: { nodes: ticketsOf(A.email).map(({ id }) => ({ id })) },
      },
    });
  });
});
