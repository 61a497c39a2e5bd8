import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset, newestFirst, ticketsOf } from '../../test/helpers/expected.js';
import type { SeedTicket } from '../../systems/seed/types.js';
import { encodeKeyCursor } from '../shared/cursor.js';
import { startSupport, type SupportProcesses } from '../../test/helpers/subgraphs/support.js';

let support: SupportProcesses;
beforeAll(async () => {
  support = await startSupport();
});
afterAll(async () => {
  await support?.stop();
});

const query = (text: string, variables?: Record<string, unknown>) => support.query(text, variables);
const allNewestFirst = newestFirst(dataset.tickets, (ticket) => ticket.createdAt);
const ids = (tickets: SeedTicket[]) => tickets.map((ticket) => ({ id: ticket.id }));

describe('support subgraph reads', () => {
  it('answers ticket(id) with the desk ticket', async () => {
    const seed = dataset.tickets.find((ticket) => ticket.id === 'tkt_00001')!;
    const response = await query(/* GraphQL */ `
      {
        ticket(id: "tkt_00001") {
          id
          subject
          description
          status
          priority
          createdAt
          slaDueAt
          customer {
            email
          }
          order {
            number
          }
        }
      }
    `);
    expect(response.body).toEqual({
      data: {
        ticket: {
          id: 'tkt_00001',
          subject: seed.subject,
          description: seed.description,
          status: seed.status,
          priority: seed.priority,
          createdAt: seed.createdAt,
          slaDueAt: seed.slaDueAt,
          customer: { email: dataset.customers[0]!.email },
          order: seed.orderNumber === null ? null : { number: seed.orderNumber },
        },
      },
    });
  });

  it('answers null for an unknown ticket id', async () => {
    expect((await query('{ ticket(id: "tkt_99999") { id } odd: ticket(id: "tkt_00001,tkt_00002") { id } }')).body).toEqual({
      data: { ticket: null, odd: null },
    });
  });

  it('resolves 250 Customer representations with tickets in 3 desk calls', async () => {
    const customers = dataset.customers.slice(0, 250);
    await support.resetDeskCalls();
    const response = await query(
      /* GraphQL */ `
        query ($r: [_Any!]!) {
          _entities(representations: $r) {
            ... on Customer {
              email
              tickets(first: 2) {
                nodes {
                  id
                }
                pageInfo {
                  hasNextPage
                }
              }
            }
          }
        }
      `,
      { r: customers.map((customer) => ({ __typename: 'Customer', email: customer.email })) },
    );
    expect(response.body).toEqual({
      data: {
        _entities: customers.map((customer) => {
          const tickets = ticketsOf(customer.email);
          return { email: customer.email, tickets: { nodes: ids(tickets.slice(0, 2)), pageInfo: { hasNextPage: tickets.length > 2 } } };
        }),
      },
    });
    expect(await support.deskCalls()).toEqual({ requests: 3, byRoute: { 'GET /tickets': 3 } });
  });

  it('resolves 120 Order representations with tickets in 2 desk calls', async () => {
    const numbers = dataset.orders.slice(0, 120).map((order) => order.number);
    await support.resetDeskCalls();
    const response = await query(
      /* GraphQL */ `
        query ($r: [_Any!]!) {
          _entities(representations: $r) {
            ... on Order {
              tickets {
                nodes {
                  id
                }
              }
            }
          }
        }
      `,
      {
        r: numbers.map((number) => ({ __typename: 'Order', number })),
      },
    );
    expect(response.body).toEqual({
      data: { _entities: numbers.map((number) => ({ tickets: { nodes: ids(allNewestFirst.filter((ticket) => ticket.orderNumber === number)) } })) },
    });
    expect(await support.deskCalls()).toEqual({ requests: 2, byRoute: { 'GET /tickets': 2 } });
  });

  it('resolves 150 Ticket representations in 2 desk calls, null for unknown ids', async () => {
    const wanted = [...dataset.tickets.slice(0, 149).map((ticket) => ticket.id), 'tkt_99999'];
    await support.resetDeskCalls();
    const response = await query(
      /* GraphQL */ `
        query ($r: [_Any!]!) {
          _entities(representations: $r) {
            ... on Ticket {
              id
              status
            }
          }
        }
      `,
      {
        r: wanted.map((id) => ({ __typename: 'Ticket', id })),
      },
    );
    expect(response.body).toEqual({
      data: { _entities: [...dataset.tickets.slice(0, 149).map((ticket) => ({ id: ticket.id, status: ticket.status })), null] },
    });
    expect(await support.deskCalls()).toEqual({ requests: 2, byRoute: { 'GET /tickets': 2 } });
  });

  it('returns Ticket.customer as an email reference and Ticket.order as a number reference or null', async () => {
    const response = await query('{ tickets(first: 10) { nodes { id customer { __typename email } order { __typename number } } } }');
    expect(response.body).toEqual({
      data: {
        tickets: {
          nodes: allNewestFirst.slice(0, 10).map((ticket) => ({
            id: ticket.id,
            customer: { __typename: 'Customer', email: ticket.requesterEmail },
            order: ticket.orderNumber === null ? null : { __typename: 'Order', number: ticket.orderNumber },
          })),
        },
      },
    });
  });

  it('pages one customer’s tickets by status and cursor in memory', async () => {
    const email = dataset.customers[0]!.email;
    const expected = ticketsOf(email);
    const text = /* GraphQL */ `
      query ($r: [_Any!]!, $after: String) {
        _entities(representations: $r) {
          ... on Customer {
            tickets(first: 1, after: $after) {
              nodes {
                id
              }
              pageInfo {
                hasNextPage
                endCursor
              }
            }
          }
        }
      }
    `;
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const response = await query(text, { r: [{ __typename: 'Customer', email: email.toUpperCase() }], after });
      const connection = response.body.data!._entities[0].tickets;
      seen.push(...connection.nodes.map((node: { id: string }) => node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected.map((ticket) => ticket.id));

    const status = expected[0]!.status;
    const filtered = await query(
      /* GraphQL */ `
        query ($r: [_Any!]!, $status: TicketStatus) {
          _entities(representations: $r) {
            ... on Customer {
              tickets(status: $status) {
                nodes {
                  id
                  status
                }
              }
            }
          }
        }
      `,
      {
        r: [{ __typename: 'Customer', email }],
        status,
      },
    );
    expect(filtered.body.data!._entities[0].tickets.nodes).toEqual(expected.filter((ticket) => ticket.status === status).map((ticket) => ({ id: ticket.id, status })));
  });

  it('walks the root list once over all 1200 tickets, ⌈first/100⌉ desk calls a page', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    await support.resetDeskCalls();
    for (;;) {
      const response = await query('query ($after: String) { tickets(first: 250, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }', { after });
      const { nodes, pageInfo } = response.body.data!.tickets;
      seen.push(...nodes.map((node: { id: string }) => node.id));
      pages++;
      if (!pageInfo.hasNextPage) {
        const end = await query('query ($after: String) { tickets(after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }', { after: pageInfo.endCursor });
        expect(end.body).toEqual({ data: { tickets: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } } });
        break;
      }
      after = pageInfo.endCursor;
    }
    expect(pages).toBe(5);
    expect(seen).toEqual(allNewestFirst.map((ticket) => ticket.id));
    // Four pages of 250 take 3 calls each (100 + 100 + 50); the last 200 take 2.
    expect(await support.deskCalls()).toEqual({ requests: 14, byRoute: { 'GET /tickets': 14 } });
  });

  it('filters the root list by status and priority', async () => {
    const response = await query('{ tickets(first: 1000, status: OPEN, priority: URGENT) { nodes { id } pageInfo { hasNextPage } } }');
    const expected = allNewestFirst.filter((ticket) => ticket.status === 'OPEN' && ticket.priority === 'URGENT');
    expect(response.body).toEqual({ data: { tickets: { nodes: ids(expected), pageInfo: { hasNextPage: false } } } });
  });

  it('rejects bad page arguments with the field, naming the system and subgraph', async () => {
    const cases: Array<[string, string]> = [
      ['{ tickets(first: 1001) { nodes { id } } }', 'first'],
      ['{ tickets(after: "bm9wZQ") { nodes { id } } }', 'after'],
      // Well-formed for the subgraph, but the desk refuses the cursor inside it.
      [`{ tickets(after: "${encodeKeyCursor('support.tickets', ['garbage'])}") { nodes { id } } }`, 'after'],
      // A cursor of another list (one customer's tickets) is refused before the desk is asked.
      [`{ tickets(after: "${encodeKeyCursor('support.customer.tickets', ['2026-01-01T00:00:00.000Z', 'tkt_000001'])}") { nodes { id } } }`, 'after'],
    ];
    for (const [text, field] of cases) {
      const response = await query(text);
      expect(response.body.errors).toHaveLength(1);
      expect(response.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field, system: 'support', subgraph: 'support' });
    }
  });
});
