import { readPage, sliceConnection } from '../../shared/connection.js';
import type { CustomerResolvers, OrderResolvers, TicketResolvers } from '../__generated__/resolvers-types.js';
import { CUSTOMER_TICKETS_KEYSET, ORDER_TICKETS_KEYSET, sortedNewestFirst } from '../keysets.js';
import { ORIGIN } from '../origin.js';
import { assertRequester, ownTicket, ticketFilter } from '../row-rules.js';

export const Ticket: TicketResolvers = {
  // Loaded in one batch with the other references, then checked one by one (by requester email).
  __resolveReference: async (reference, { principal, loaders }) => ownTicket(principal, await loaders.ticketById.load(reference.id)),
  // The desk knows requesters only by email; the CRM resolves the rest of the customer.
  customer: (ticket) => (ticket.requesterEmail ? { email: ticket.requesterEmail } : null),
  order: (ticket) => (ticket.orderNumber ? { number: ticket.orderNumber } : null),
};

/**
 * Per-customer and per-order connections: all of a parent's tickets come from one batched desk
 * call per 100 parents, then each parent is filtered and paged in memory (keyset: after the
 * cursor's createdAt and id, so a ticket opened between two pages moves nothing).
 */
export const Customer: CustomerResolvers = {
  tickets: async (customer, args, { principal, loaders }) => {
    const page = readPage(args, CUSTOMER_TICKETS_KEYSET, ORIGIN);
    // The email is the owner: another requester's tickets are refused without a desk call.
    assertRequester(principal, customer.email ?? '', 'tickets');
    if (!customer.email) return sliceConnection([], page, CUSTOMER_TICKETS_KEYSET, 'desc');
    const all = await loaders.ticketsByRequesterEmail.load(customer.email);
    const matching = args.status ? all.filter((ticket) => ticket.status === args.status) : all;
    return sliceConnection(sortedNewestFirst(matching), page, CUSTOMER_TICKETS_KEYSET, 'desc');
  },
};

export const Order: OrderResolvers = {
  // Anyone may ask about an order; a portal principal sees only the tickets it requested.
  tickets: async (order, args, { principal, loaders }) => {
    const page = readPage(args, ORDER_TICKETS_KEYSET, ORIGIN);
    const visible = ticketFilter(principal);
    if (!order.number) return sliceConnection([], page, ORDER_TICKETS_KEYSET, 'desc');
    return sliceConnection(sortedNewestFirst(visible(await loaders.ticketsByOrderNumber.load(order.number))), page, ORDER_TICKETS_KEYSET, 'desc');
  },
};
