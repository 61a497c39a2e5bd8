import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../subgraphs/shared/context.js';
import { startSupport, type SupportProcesses } from './helpers/subgraphs/support.js';
import { dataset, ordersOf, ticketsOf } from './helpers/expected.js';

/**
 * The support subgraph's in-memory entity cache as real processes (desk stand-in + subgraph):
 * cached requester and order lists, dropped by openTicket / updateTicket so a new or changed
 * ticket shows at once; row-level rules over cached tickets. Desk calls are counted at the desk.
 */
const A = dataset.customers.find((customer) => customer.id === 'cus_0001')!;
const B = dataset.customers.find((customer) => customer.id === 'cus_0002')!;
const PORTAL_A: Principal = { subject: 'portal-a', scopes: ['crm:read', 'pii:read', 'support:read', 'support:write'], customerId: A.id, email: A.email };
/** One of B's orders: the portal principal of A may ask about it, but sees none of its tickets. */
const ORDER = ordersOf(B.id)[0]!.number;

const LISTS =
  'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { tickets(first: 100) { nodes { id status } } } ... on Order { tickets(first: 100) { nodes { id status } } } } }';
const OPEN = 'mutation ($input: OpenTicketInput!) { openTicket(input: $input) { id } }';
const UPDATE = 'mutation ($id: ID!) { updateTicket(id: $id, input: { status: SOLVED }) { id status } }';

let support: SupportProcesses;
beforeAll(async () => {
  support = await startSupport({ ENTITY_CACHE: 'on' });
});
afterAll(() => support?.stop());
beforeEach(() => support.resetDeskCalls());

const lists = async () => {
  const body = (
    await support.query(LISTS, {
      r: [
        { __typename: 'Customer', email: B.email },
        { __typename: 'Order', number: ORDER },
      ],
    })
  ).body;
  expect(body.errors).toBeUndefined();
  const [customer, order] = body.data!._entities as Array<{ tickets: { nodes: Array<{ id: string; status: string }> } }>;
  return { customer: customer!.tickets.nodes, order: order!.tickets.nodes };
};
const deskRequests = async () => (await support.deskCalls()).requests;

describe('support entity cache', () => {
  it('answers a requester list and an order list from the cache the second time', async () => {
    const first = await lists();
    expect(first.customer.map((ticket) => ticket.id)).toEqual(ticketsOf(B.email).map((ticket) => ticket.id));
    expect(await deskRequests()).toBe(2);
    expect(await lists()).toEqual(first);
    expect(await deskRequests()).toBe(2);
  });

  it("openTicket drops the requester's and the order's cached lists: the new ticket shows at once", async () => {
    const before = await lists();
    await support.resetDeskCalls();
    const input = { idempotencyKey: `cache-${Date.now()}`, requesterEmail: B.email, subject: 'Where is my parcel?', orderNumber: ORDER };
    const opened = (await support.query(OPEN, { input })).body.data!.openTicket as { id: string };
    expect((await support.deskCalls()).byRoute).toEqual({ 'POST /tickets': 1 });

    const after = await lists();
    expect(after.customer).toEqual([{ id: opened.id, status: 'NEW' }, ...before.customer]);
    expect(after.order).toEqual([{ id: opened.id, status: 'NEW' }, ...before.order]);
    // One write, then one batched read per list type (both were dropped).
    expect(await deskRequests()).toBe(3);
  });

  it('updateTicket replaces the ticket: lists and ticket(id) show the new status without a stale copy', async () => {
    const ticket = ticketsOf(B.email).find((seed) => seed.status !== 'SOLVED')!;
    await lists();
    expect((await support.query(`{ ticket(id: "${ticket.id}") { status } }`)).body).toEqual({ data: { ticket: { status: ticket.status } } });
    expect((await support.query(UPDATE, { id: ticket.id })).body).toEqual({ data: { updateTicket: { id: ticket.id, status: 'SOLVED' } } });
    await support.resetDeskCalls();
    expect((await support.query(`{ ticket(id: "${ticket.id}") { status } }`)).body).toEqual({ data: { ticket: { status: 'SOLVED' } } });
    expect(await deskRequests()).toBe(0);
    expect((await lists()).customer.find((node) => node.id === ticket.id)).toEqual({ id: ticket.id, status: 'SOLVED' });
  });

  it("still refuses a portal principal another requester's cached ticket", async () => {
    const other = ticketsOf(B.email)[0]!;
    expect((await support.query(`{ ticket(id: "${other.id}") { id } }`)).body).toEqual({ data: { ticket: { id: other.id } } });
    await support.resetDeskCalls();
    const refused = (await support.query(`{ ticket(id: "${other.id}") { id } }`, undefined, PORTAL_A)).body;
    expect(refused.data).toEqual({ ticket: null });
    expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    // From the cache, and refused all the same; an order's cached list shows the portal none of B's tickets.
    expect(await deskRequests()).toBe(0);
    const orderList = (await support.query(LISTS, { r: [{ __typename: 'Order', number: ORDER }] }, PORTAL_A)).body;
    expect(orderList).toEqual({ data: { _entities: [{ tickets: { nodes: [] } }] } });
    expect(await deskRequests()).toBe(0);
  });
});
