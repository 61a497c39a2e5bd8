import type { Principal } from '../shared/context.js';
import { assertCustomer, forbidden, mayAccessEmail, restrictedCustomer } from '../shared/row-rules.js';
import { normalizeEmail, type CrmLoaders } from './loaders.js';
import type { CustomerModel } from './models.js';
import { ORIGIN } from './origin.js';

/**
 * The CRM's row-level rule (see shared/row-rules.ts): a portal principal reaches only its own
 * customer record, by either key, from a query or an entity reference.
 */
const WHAT = 'customer record';

/**
 * By id the owner is the key itself: another customer's id is refused without asking the CRM.
 * Async on purpose: `_entities` calls reference resolvers in one loop, where a synchronous throw
 * would fail every representation instead of just this one.
 */
export async function customerByIdFor(principal: Principal | null, loaders: CrmLoaders, id: string): Promise<CustomerModel | null> {
  assertCustomer(principal, id, ORIGIN, WHAT);
  return loaders.customerById.load(id);
}

/**
 * By email the owner is known only after loading. An unknown email answers `null` only when it is
 * the principal's own; any other is refused, so a portal cannot probe which emails are customers.
 */
export async function customerByEmailFor(principal: Principal | null, loaders: CrmLoaders, email: string): Promise<CustomerModel | null> {
  const customer = await loaders.customerByEmail.load(normalizeEmail(email));
  const own = restrictedCustomer(principal);
  if (own === null) return customer;
  if (customer ? customer.id === own : mayAccessEmail(principal, email)) return customer;
  throw forbidden(ORIGIN, WHAT);
}

/** Writes follow the same rule, checked before anything is sent to the CRM. */
export function assertMayChangeCustomer(principal: Principal | null, id: string): void {
  assertCustomer(principal, id, ORIGIN, WHAT, { field: 'id' });
}
