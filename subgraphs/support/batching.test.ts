import { afterAll, beforeAll, describe, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import type { SeedTicket } from '../../systems/seed/types.js';
import { BATCH_SIZES, expectBatched, keysWithUnknown, restCallsFor, startRestBatchingTarget, type BatchingTarget, type FanOutCase } from '../../test/helpers/batching.js';
import { newestFirst } from '../../test/helpers/expected.js';

/**
 * DataLoader audit of the support subgraph (issue 4): every path that can fan out costs
 * ⌈keys / 100⌉ desk calls, counted at the stand-in, for 10, 100 and 1000 keys. SEED_SCALE 2.5
 * seeds 1000 customers (requester emails) and 3000 tickets; n = 1000 is 999 real keys plus one unknown.
 */
const SCALE = 2.5;
const dataset = generateDataset({ scale: SCALE });
const tickets = newestFirst(dataset.tickets, (ticket) => ticket.createdAt);

function groupTickets(key: (ticket: SeedTicket) => string | null): Map<string, SeedTicket[]> {
  const groups = new Map<string, SeedTicket[]>();
  for (const ticket of tickets) {
    const value = key(ticket);
    if (value !== null) groups.set(value, [...(groups.get(value) ?? []), ticket]);
  }
  return groups;
}
const byId = new Map(tickets.map((ticket) => [ticket.id, ticket]));
const byRequester = groupTickets((ticket) => ticket.requesterEmail);
const byOrder = groupTickets((ticket) => ticket.orderNumber);

const TICKET_FIELDS = 'id subject status customer { email } order { number }';
const ticketJson = (ticket: SeedTicket) => ({
  id: ticket.id,
  subject: ticket.subject,
  status: ticket.status,
  // References only: the CRM and the ERP resolve the rest, at no desk call.
  customer: { email: ticket.requesterEmail },
  order: ticket.orderNumber === null ? null : { number: ticket.orderNumber },
});
const page = (all: SeedTicket[] | undefined, first: number) => ({
  nodes: (all ?? []).slice(0, first).map((ticket) => ({ id: ticket.id })),
  pageInfo: { hasNextPage: (all ?? []).length > first },
});

const CASES: FanOutCase[] = [
  {
    // loaders.ticketById: DataLoader, maxBatchSize 100 → one GET /tickets?ids=… per 100 ids.
    path: 'Ticket.__resolveReference(id)',
    request: (n) => {
      const ids = keysWithUnknown(
        tickets.map((ticket) => ticket.id),
        n,
        'tkt_99999',
      );
      return {
        query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Ticket { ${TICKET_FIELDS} } } }`,
        variables: { r: ids.map((id) => ({ __typename: 'Ticket', id })) },
        data: { _entities: ids.map((id) => (byId.has(id) ? ticketJson(byId.get(id)!) : null)) },
        counts: { 'GET /tickets': restCallsFor(n) },
      };
    },
  },
  {
    // loaders.ticketsByRequesterEmail: DataLoader (case-insensitive key), maxBatchSize 100 → GET /tickets?requesterEmails=…
    path: 'Customer.tickets (Customer by email)',
    request: (n) => {
      const emails = keysWithUnknown(
        dataset.customers.map((customer) => customer.email),
        n,
        'nobody@unknown.example',
      );
      return {
        query: /* GraphQL */ `
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
        variables: { r: emails.map((email) => ({ __typename: 'Customer', email })) },
        data: { _entities: emails.map((email) => ({ email, tickets: page(byRequester.get(email), 2) })) },
        counts: { 'GET /tickets': restCallsFor(n) },
      };
    },
  },
  {
    // loaders.ticketsByOrderNumber: DataLoader, maxBatchSize 100 → GET /tickets?orderNumbers=…
    path: 'Order.tickets (Order by number)',
    request: (n) => {
      // Orders with tickets first, so most keys have an answer; the unknown one has none.
      const withoutTickets = dataset.orders.map((order) => order.number).filter((number) => !byOrder.has(number));
      const numbers = keysWithUnknown([...byOrder.keys(), ...withoutTickets], n, 'SO-999999');
      return {
        query: /* GraphQL */ `
          query ($r: [_Any!]!) {
            _entities(representations: $r) {
              ... on Order {
                number
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
        variables: { r: numbers.map((number) => ({ __typename: 'Order', number })) },
        data: { _entities: numbers.map((number) => ({ number, tickets: page(byOrder.get(number), 2) })) },
        counts: { 'GET /tickets': restCallsFor(n) },
      };
    },
  },
  {
    // listTickets walks the desk's cursor pages (≤ 100 a call); customer and order are references.
    path: 'Query.tickets(first: n) with customer and order',
    request: (n) => ({
      query: `query ($n: Int) { tickets(first: $n) { nodes { ${TICKET_FIELDS} } } }`,
      variables: { n },
      data: { tickets: { nodes: tickets.slice(0, n).map(ticketJson) } },
      counts: { 'GET /tickets': restCallsFor(n) },
    }),
  },
];

let support: BatchingTarget;
beforeAll(async () => {
  support = await startRestBatchingTarget('support', SCALE);
});
afterAll(async () => {
  await support?.stop();
});

describe.each(CASES)('support fan-out $path', (fanOut) => {
  it.each(BATCH_SIZES)('answers %i keys with ⌈n / 100⌉ desk calls', async (n) => {
    await expectBatched(support, fanOut.request(n));
  });
});
