import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset, newestFirst } from '../../test/helpers/expected.js';
import { HARNESS_PRINCIPAL } from '../../test/helpers/tokens.js';
import type { Principal } from '../shared/context.js';
import { startSupport, type SupportProcesses } from '../../test/helpers/subgraphs/support.js';
import { PORTAL_SCOPES, portalPrincipal, withoutStacktraces } from '../../test/helpers/subgraphs/row-level.js';

/**
 * Row-level rules of the support subgraph, called directly with the gateway's internal token for
 * a portal principal of cus_0001. The desk knows requesters by email, so the rule uses the
 * principal's email: another requester's tickets are `null` + FORBIDDEN, never data.
 */
const A = dataset.customers.find((customer) => customer.id === 'cus_0001')!;
const B = dataset.customers.find((customer) => customer.id === 'cus_0002')!;
const PORTAL_A = portalPrincipal(A);
const NO_EMAIL: Principal = { subject: 'portal-user-x', scopes: PORTAL_SCOPES, customerId: A.id };

const ticketsOf = (email: string) =>
  newestFirst(
    dataset.tickets.filter((ticket) => ticket.requesterEmail === email),
    (ticket) => ticket.createdAt,
  );
const [ownTicket, otherTicket] = [ticketsOf(A.email)[0]!, ticketsOf(B.email)[0]!];
// An order of A's with a ticket A requested, and an order of B's with a ticket B requested.
const ownOrderTicket = ticketsOf(A.email).find((ticket) => ticket.orderNumber !== null)!;
const otherOrderTicket = ticketsOf(B.email).find((ticket) => ticket.orderNumber !== null)!;

const ENTITIES =
  'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Ticket { id } ... on Customer { tickets(first: 100) { nodes { id } } } ... on Order { tickets(first: 100) { nodes { id } } } } }';
const OPEN = 'mutation ($input: OpenTicketInput!) { openTicket(input: $input) { id customer { email } } }';
const UPDATE = 'mutation ($id: ID!, $input: UpdateTicketInput!) { updateTicket(id: $id, input: $input) { id status } }';

const column = (query: string, token: string, from = 0) => query.indexOf(token, from) + 1;
/** Errors arrive in the order their batches complete, which may vary; compare them by path. */
function byPath<T extends { errors?: Array<{ path?: unknown }> }>(body: T): T {
  body.errors?.sort((a, b) => (JSON.stringify(a.path) < JSON.stringify(b.path) ? -1 : 1));
  return body;
}
const error = (message: string, path: (string | number)[], col: number, extra: Record<string, unknown> = {}) => ({
  message,
  locations: [{ line: 1, column: col }],
  path,
  extensions: { code: 'FORBIDDEN', system: 'support', subgraph: 'support', ...extra },
});
const forbidden = (what: string, path: (string | number)[], col: number, extra: Record<string, unknown> = {}) =>
  error(`not allowed to access another customer's ${what}`, path, col, extra);
const NO_EMAIL_MESSAGE = 'tickets are matched by email, and this portal principal has none';
const ids = (tickets: Array<{ id: string }>) => tickets.map(({ id }) => ({ id }));

let support: SupportProcesses;
const query = async (text: string, variables?: Record<string, unknown>, principal: Principal = PORTAL_A) =>
  withoutStacktraces((await support.query(text, variables, principal)).body);
beforeAll(async () => {
  support = await startSupport();
});
afterAll(async () => {
  await support?.stop();
});

describe('support row-level rules for a portal principal of cus_0001', () => {
  it("answers another requester's ticket(id) with null and FORBIDDEN", async () => {
    expect(await query(`{ ticket(id: "${otherTicket.id}") { id subject customer { email } } }`)).toEqual({
      data: { ticket: null },
      errors: [forbidden('ticket', ['ticket'], 3)],
    });
  });

  it('answers its own ticket, and null without an error for an unknown id', async () => {
    expect(await query(`{ ticket(id: "${ownTicket.id}") { id customer { email } } }`)).toEqual({
      data: { ticket: { id: ownTicket.id, customer: { email: A.email } } },
    });
    expect(await query('{ ticket(id: "tkt_99999") { id } }')).toEqual({ data: { ticket: null } });
  });

  it('lists only its own tickets from one desk call, filtered and paged', async () => {
    await support.resetDeskCalls();
    const all = await query('{ tickets(first: 100) { nodes { id } pageInfo { hasNextPage } } }');
    expect(await support.deskCalls()).toEqual({ requests: 1, byRoute: { 'GET /tickets': 1 } });
    expect(all).toEqual({ data: { tickets: { nodes: ids(ticketsOf(A.email)), pageInfo: { hasNextPage: false } } } });

    const closed = await query('{ tickets(first: 100, status: CLOSED) { nodes { id } } }');
    expect(closed).toEqual({ data: { tickets: { nodes: ids(ticketsOf(A.email).filter((ticket) => ticket.status === 'CLOSED')) } } });

    const page = 'query ($after: String) { tickets(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }';
    const first = await query(page);
    const second = await query(page, { after: first.data!.tickets.pageInfo.endCursor });
    expect([...first.data!.tickets.nodes, ...second.data!.tickets.nodes]).toEqual(ids(ticketsOf(A.email)));
    expect(second.data!.tickets.pageInfo.hasNextPage).toBe(false);
  });

  it("refuses another requester's Customer.tickets and Ticket references, in one desk call per kind", async () => {
    await support.resetDeskCalls();
    const body = await query(ENTITIES, {
      r: [
        { __typename: 'Customer', email: A.email.toUpperCase() },
        { __typename: 'Customer', email: B.email },
        { __typename: 'Ticket', id: otherTicket.id },
        { __typename: 'Ticket', id: ownTicket.id },
      ],
    });
    expect(await support.deskCalls()).toEqual({ requests: 2, byRoute: { 'GET /tickets': 2 } });
    expect(byPath(body)).toEqual({
      data: { _entities: [{ tickets: { nodes: ids(ticketsOf(A.email)) } }, { tickets: null }, null, { id: ownTicket.id }] },
      errors: [forbidden('tickets', ['_entities', 1, 'tickets'], column(ENTITIES, 'tickets(')), forbidden('ticket', ['_entities', 2], column(ENTITIES, '_entities'))],
    });
  });

  it('shows on an order only the tickets it requested, even when others wrote about that order', async () => {
    const opened = await query(
      OPEN,
      {
        input: { idempotencyKey: 'row-level-other-on-a', requesterEmail: B.email, subject: 'About your order', orderNumber: ownOrderTicket.orderNumber },
      },
      HARNESS_PRINCIPAL,
    );
    const byB = opened.data!.openTicket.id as string;
    const r = [ownOrderTicket, otherOrderTicket].map((ticket) => ({ __typename: 'Order', number: ticket.orderNumber }));

    expect(await query(ENTITIES, { r }, HARNESS_PRINCIPAL)).toEqual({
      data: { _entities: [{ tickets: { nodes: [{ id: byB }, { id: ownOrderTicket.id }] } }, { tickets: { nodes: [{ id: otherOrderTicket.id }] } }] },
    });
    expect(await query(ENTITIES, { r })).toEqual({
      data: { _entities: [{ tickets: { nodes: [{ id: ownOrderTicket.id }] } }, { tickets: { nodes: [] } }] },
    });
  });

  it('refuses to open a ticket for another requester without calling the desk', async () => {
    const before = await support.deskTicketCount();
    await support.resetDeskCalls();
    const body = await query(OPEN, { input: { idempotencyKey: 'row-level-as-b', requesterEmail: B.email, subject: 'Not mine' } });
    expect(body).toEqual({
      data: { openTicket: null },
      errors: [forbidden('tickets', ['openTicket'], column(OPEN, 'openTicket('), { field: 'input.requesterEmail' })],
    });
    expect(await support.deskCalls()).toEqual({ requests: 0, byRoute: {} });
    expect(await support.deskTicketCount()).toBe(before);
  });

  it("refuses to update another requester's ticket and changes nothing", async () => {
    const read = `{ ticket(id: "${otherTicket.id}") { id status priority } }`;
    const before = await query(read, undefined, HARNESS_PRINCIPAL);
    const body = await query(UPDATE, { id: otherTicket.id, input: { status: 'CLOSED', priority: 'URGENT' } });
    expect(body).toEqual({
      data: { updateTicket: null },
      errors: [forbidden('ticket', ['updateTicket'], column(UPDATE, 'updateTicket('), { field: 'id' })],
    });
    expect(await query(read, undefined, HARNESS_PRINCIPAL)).toEqual(before);
  });

  it('opens and updates its own tickets', async () => {
    const opened = await query(OPEN, { input: { idempotencyKey: 'row-level-as-a', requesterEmail: A.email, subject: 'Mine' } });
    expect(opened).toEqual({ data: { openTicket: { id: expect.stringMatching(/^tkt_\d+$/), customer: { email: A.email } } } });
    const id = opened.data!.openTicket.id;
    expect(await query(UPDATE, { id, input: { status: 'PENDING' } })).toEqual({ data: { updateTicket: { id, status: 'PENDING' } } });
  });

  it('lets a portal principal without an email claim read no tickets at all', async () => {
    expect(await query(`{ ticket(id: "${ownTicket.id}") { id } }`, undefined, NO_EMAIL)).toEqual({
      data: { ticket: null },
      errors: [error(NO_EMAIL_MESSAGE, ['ticket'], 3)],
    });
    // `tickets` is non-null, so the error nulls the whole answer.
    expect(await query('{ tickets { nodes { id } } }', undefined, NO_EMAIL)).toEqual({
      data: null,
      errors: [error(NO_EMAIL_MESSAGE, ['tickets'], 3)],
    });
    const orders = await query(ENTITIES, { r: [{ __typename: 'Order', number: ownOrderTicket.orderNumber }] }, NO_EMAIL);
    expect(orders).toEqual({
      data: { _entities: [{ tickets: null }] },
      errors: [error(NO_EMAIL_MESSAGE, ['_entities', 0, 'tickets'], column(ENTITIES, 'tickets(', column(ENTITIES, 'on Order')))],
    });
  });
});
