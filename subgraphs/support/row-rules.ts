import type { Principal } from '../shared/context.js';
import { subgraphError, type ErrorDetails } from '../shared/errors.js';
import { forbidden, mayAccessEmail, restrictedEmail } from '../shared/row-rules.js';
import type { TicketModel } from './models.js';
import { ORIGIN } from './origin.js';

/**
 * The support desk's row-level rule (see shared/row-rules.ts). The desk knows requesters only by
 * email, so a portal principal sees the tickets requested by its `email` claim; without one it
 * sees no tickets at all (FORBIDDEN), rather than everyone's.
 */

/** Throws FORBIDDEN for a portal principal without an email claim; returns its email (or undefined). */
export function requesterOf(principal: Principal | null): string | undefined {
  const email = restrictedEmail(principal);
  if (email === null) throw subgraphError('FORBIDDEN', 'tickets are matched by email, and this portal principal has none', ORIGIN);
  return email;
}

/** A ticket loaded for this request: itself when allowed, null when unknown, FORBIDDEN when another requester's. */
export function ownTicket(principal: Principal | null, ticket: TicketModel | null): TicketModel | null {
  requesterOf(principal);
  if (ticket && !mayAccessEmail(principal, ticket.requesterEmail)) throw forbidden(ORIGIN, 'ticket');
  return ticket;
}

/**
 * The filter keeping the tickets of a list the principal may see (a portal principal's own only).
 * Taken before loading, so a principal that may see none fails without a desk call.
 */
export function ticketFilter(principal: Principal | null): (tickets: readonly TicketModel[]) => readonly TicketModel[] {
  if (requesterOf(principal) === undefined) return (tickets) => tickets;
  return (tickets) => tickets.filter((ticket) => mayAccessEmail(principal, ticket.requesterEmail));
}

/** Throws FORBIDDEN unless the principal may see or change tickets requested by `email`. */
export function assertRequester(principal: Principal | null, email: string, what: string, details: ErrorDetails = {}): void {
  requesterOf(principal);
  if (!mayAccessEmail(principal, email)) throw forbidden(ORIGIN, what, details);
}
