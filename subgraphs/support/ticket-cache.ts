import type { EntityCache } from '../shared/entity-cache/cache.js';
import type { TicketModel } from './models.js';

/**
 * What the support subgraph keeps in the entity cache: tickets by id, and each requester's and
 * each order's ticket list as a list of ids (newest first). Lists hold ids, not tickets, so a
 * ticket has one cached copy: `ticket(id)` and `customer.tickets` never disagree about it.
 * An empty list is cached too (most customers have no open ticket; asking each time would cost a
 * call per customer); a ticket opened directly at the desk appears after the list TTL, one opened
 * through bizgraph at once (`openTicket` drops the lists).
 */
export const TICKET = 'Ticket';
export const TICKETS_BY_REQUESTER = 'TicketsByRequester';
export const TICKETS_BY_ORDER = 'TicketsByOrder';

/** Requester emails compare case-insensitively (as the desk matches them); list keys are lower case. */
export const normaliseEmail = (email: string) => email.toLowerCase();

/** Cached types and their default TTL in seconds (undefined: `ENTITY_CACHE_TTL_SECONDS`). */
export const TICKET_CACHE_TYPES = { [TICKET]: undefined, [TICKETS_BY_REQUESTER]: 30, [TICKETS_BY_ORDER]: 30 };

/**
 * After the desk accepted a write (new or changed ticket): every replica reads the ticket as the
 * desk answered it, and the lists it appears in are read again.
 */
export async function ticketWritten(cache: EntityCache, ticket: TicketModel): Promise<void> {
  await Promise.all([
    cache.replace(TICKET, [[ticket.id, ticket]]),
    cache.invalidate(TICKETS_BY_REQUESTER, [normaliseEmail(ticket.requesterEmail)]),
    ticket.orderNumber === null ? undefined : cache.invalidate(TICKETS_BY_ORDER, [ticket.orderNumber]),
  ]);
}
