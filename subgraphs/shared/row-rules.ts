import type { GraphQLError } from 'graphql';
import type { Principal } from './context.js';
import { subgraphError, type ErrorDetails, type ErrorOrigin } from './errors.js';

/**
 * Row-level rules shared by the subgraphs. A principal carrying `customerId` is a portal
 * principal: it may see and change only that customer's rows. Every other principal (or none)
 * is not restricted here; which fields it may read is the gateway's business (scopes).
 *
 * The rules run per request on rows the request's own loaders fetched, so a row cached for one
 * principal never reaches another. A refused row is answered as `null` plus FORBIDDEN, never
 * partially: the resolver throws instead of returning the row.
 */

/** The customer a principal is restricted to, or null when it is not restricted. */
export function restrictedCustomer(principal: Principal | null): string | null {
  // An empty claim still marks a portal principal: it matches no customer, so it sees nothing.
  return typeof principal?.customerId === 'string' ? principal.customerId : null;
}

/** Whether the principal may see rows of `customerId`. */
export function mayAccessCustomer(principal: Principal | null, customerId: string): boolean {
  const own = restrictedCustomer(principal);
  return own === null || own === customerId;
}

/** Requesters are matched case-insensitively, as the CRM and the support desk do. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * The requester email a portal principal is restricted to: `undefined` when not restricted,
 * `null` for a portal principal without an email claim (it may see no requester's rows at all,
 * rather than everyone's).
 */
export function restrictedEmail(principal: Principal | null): string | null | undefined {
  if (restrictedCustomer(principal) === null) return undefined;
  const email = principal?.email;
  return typeof email === 'string' && email.trim().length > 0 ? normalizeEmail(email) : null;
}

/** Whether the principal may see rows requested by `email`. */
export function mayAccessEmail(principal: Principal | null, email: string): boolean {
  const own = restrictedEmail(principal);
  return own === undefined || (own !== null && own === normalizeEmail(email));
}

/**
 * The error for a refused row, e.g. `what` = `order` → "not allowed to access another customer's
 * order". It names no identifier of the row, so it leaks nothing. Writes pass the argument that
 * named the row as `details.field` (e.g. `input.customerId`).
 */
export function forbidden(origin: ErrorOrigin, what: string, details: ErrorDetails = {}): GraphQLError {
  return subgraphError('FORBIDDEN', `not allowed to access another customer's ${what}`, origin, details);
}

/** Throws FORBIDDEN unless the principal may see rows of `customerId`. */
export function assertCustomer(principal: Principal | null, customerId: string, origin: ErrorOrigin, what: string, details: ErrorDetails = {}): void {
  if (!mayAccessCustomer(principal, customerId)) throw forbidden(origin, what, details);
}

/**
 * Applies the rule to a row loaded for this request: the row when allowed, `null` when there is
 * none (unknown keys stay `null` without an error), FORBIDDEN when it belongs to another customer.
 */
export function ownRow<T>(principal: Principal | null, row: T | null, owner: (row: T) => string, origin: ErrorOrigin, what: string): T | null {
  if (row === null) return null;
  assertCustomer(principal, owner(row), origin, what);
  return row;
}
