import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset, ticketsOf } from '../../test/helpers/expected.js';
import { startSupport, type SupportProcesses } from '../../test/helpers/subgraphs/support.js';

/**
 * The support subgraph's keyset connections: a ticket opened between two pages (it is the newest,
 * so it lands in front of the cursor) neither repeats nor shifts a ticket, in the desk's root list
 * and in the per-customer and per-order lists paged in memory.
 */
let support: SupportProcesses;
beforeAll(async () => {
  support = await startSupport();
});
afterAll(async () => {
  await support?.stop();
});

const OPEN = 'mutation ($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const OF_PARENT = /* GraphQL */ `
  query ($r: [_Any!]!, $after: String) {
    _entities(representations: $r) {
      ... on Customer {
        tickets(first: 2, after: $after) {
          nodes {
            id
          }
          pageInfo {
            endCursor
          }
        }
      }
      ... on Order {
        tickets(first: 1, after: $after) {
          nodes {
            id
          }
          pageInfo {
            endCursor
          }
        }
      }
    }
  }
`;
const ROOT = 'query ($after: String) { tickets(first: 3, after: $after) { nodes { id } pageInfo { endCursor } } }';

const customer = dataset.customers.find((candidate) => ticketsOf(candidate.email).length >= 4)!;
const orderNumber = [...new Set(dataset.tickets.map((ticket) => ticket.orderNumber))].find(
  (number) => number !== null && dataset.tickets.filter((ticket) => ticket.orderNumber === number).length >= 2,
)!;
const ticketsOfOrder = dataset.tickets.filter((ticket) => ticket.orderNumber === orderNumber).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
const ids = (tickets: { id: string }[]) => tickets.map(({ id }) => ({ id }));

let opened = 0;
const openFor = async (email: string, number: string | null = null) => {
  const input = { idempotencyKey: `paging-${(opened += 1)}`, requesterEmail: email, subject: 'Where is my parcel?', priority: 'LOW', orderNumber: number };
  const { body } = await support.query(OPEN, { input });
  expect(body.errors).toBeUndefined();
};

describe('support keyset paging', () => {
  it("continues one customer's tickets after the last one seen when a ticket is opened between pages", async () => {
    const r = [{ __typename: 'Customer', email: customer.email }];
    const first = (await support.query(OF_PARENT, { r })).body.data!._entities[0].tickets;
    await openFor(customer.email);
    const second = (await support.query(OF_PARENT, { r, after: first.pageInfo.endCursor })).body.data!._entities[0].tickets;
    expect([...first.nodes, ...second.nodes]).toEqual(ids(ticketsOf(customer.email).slice(0, 4)));
  });

  it("continues an order's tickets the same way", async () => {
    const r = [{ __typename: 'Order', number: orderNumber }];
    const first = (await support.query(OF_PARENT, { r })).body.data!._entities[0].tickets;
    await openFor(dataset.customers[0]!.email, orderNumber);
    const second = (await support.query(OF_PARENT, { r, after: first.pageInfo.endCursor })).body.data!._entities[0].tickets;
    expect([...first.nodes, ...second.nodes]).toEqual(ids(ticketsOfOrder.slice(0, 2)));
  });

  it('continues the root list after the last ticket seen', async () => {
    const all = [...dataset.tickets].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    const first = (await support.query(ROOT)).body.data!.tickets;
    await openFor(customer.email);
    const second = (await support.query(ROOT, { after: first.pageInfo.endCursor })).body.data!.tickets;
    // The tickets opened by the tests above are the newest: the first page starts with them.
    const fresh = first.nodes.filter((node: { id: string }) => !dataset.tickets.some((ticket) => ticket.id === node.id));
    expect([...first.nodes, ...second.nodes].slice(fresh.length)).toEqual(ids(all.slice(0, 6 - fresh.length)));
  });

  it("refuses a customer list's cursor on an order's tickets with BAD_USER_INPUT naming after", async () => {
    const foreign = (await support.query(OF_PARENT, { r: [{ __typename: 'Customer', email: customer.email }] })).body.data!._entities[0].tickets.pageInfo.endCursor;
    const { body } = await support.query(OF_PARENT, { r: [{ __typename: 'Order', number: orderNumber }], after: foreign });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after', system: 'support', subgraph: 'support' });
  });
});
