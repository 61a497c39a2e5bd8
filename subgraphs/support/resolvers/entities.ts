import { readPage, sliceConnection } from '../../shared/connection.js';
import type { CustomerResolvers, OrderResolvers, TicketResolvers } from '../__generated__/resolvers-types.js';
import { ORIGIN } from '../origin.js';

export const Ticket: TicketResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.ticketById.load(reference.id),
  // The desk knows requesters only by email; the CRM resolves the rest of the customer.
  customer: (ticket) => (ticket.requesterEmail ? { email: ticket.requesterEmail } : null),
  order: (ticket) => (ticket.orderNumber ? { number: ticket.orderNumber } : null),
};

/**
 * Per-customer and per-order connections: all of a parent's tickets come from one batched desk
 * call per 100 parents, then each parent is filtered and paged in memory.
 */
export const Customer: CustomerResolvers = {
  tickets: async (customer, args, { loaders }) => {
    const page = readPage(args, ORIGIN);
    if (!customer.email) return sliceConnection([], page);
    const all = await loaders.ticketsByRequesterEmail.load(customer.email);
    return sliceConnection(args.status ? all.filter((ticket) => ticket.status === args.status) : all, page);
  },
};

export const Order: OrderResolvers = {
  tickets: async (order, args, { loaders }) => {
    const page = readPage(args, ORIGIN);
    if (!order.number) return sliceConnection([], page);
    return sliceConnection(await loaders.ticketsByOrderNumber.load(order.number), page);
  },
};
