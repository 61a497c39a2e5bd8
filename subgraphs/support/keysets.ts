import { compareKeys, type Keyset } from '../shared/connection.js';
import type { TicketModel } from './models.js';

/**
 * The desk lists tickets newest first by (createdAt, id); the per-customer and per-order lists
 * are paged in memory in the same order, so their cursors carry the same key.
 */
const newestFirst = (list: string): Keyset<TicketModel> => ({ list, parts: ['string', 'string'], keyOf: (ticket) => [ticket.createdAt, ticket.id] });

export const CUSTOMER_TICKETS_KEYSET = newestFirst('support.customer.tickets');
export const ORDER_TICKETS_KEYSET = newestFirst('support.order.tickets');
/** `Query.tickets` for a portal principal: its own tickets, paged in memory. */
export const REQUESTER_TICKETS_KEYSET = newestFirst('support.requester.tickets');

/** A copy sorted like the desk's lists, so an in-memory keyset page never depends on batch order. */
export function sortedNewestFirst(tickets: readonly TicketModel[]): TicketModel[] {
  const key = CUSTOMER_TICKETS_KEYSET.keyOf;
  return [...tickets].sort((a, b) => compareKeys(key(a), key(b), 'desc'));
}
