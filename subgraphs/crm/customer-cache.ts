import type { EntityCache } from '../shared/entity-cache/cache.js';
import { normalizeEmail } from '../shared/row-rules.js';
import type { CustomerModel } from './models.js';

/**
 * What the crm subgraph keeps in the entity cache: customers by id, and the email → id mapping
 * (by-email reads are every ticket's customer). A mapping can outlive an email change; the loader
 * checks the customer it leads to still has that email, and asks the CRM again when not.
 */
export const CUSTOMER = 'Customer';
export const CUSTOMER_BY_EMAIL = 'CustomerByEmail';

/** Cached types and their default TTL (undefined: `ENTITY_CACHE_TTL_SECONDS`). */
export const CUSTOMER_CACHE_TYPES = { [CUSTOMER]: undefined, [CUSTOMER_BY_EMAIL]: undefined };

/** After the CRM accepted a write: every replica sees the new record at once. */
export async function customerWritten(cache: EntityCache, customer: CustomerModel): Promise<void> {
  await Promise.all([cache.replace(CUSTOMER, [[customer.id, customer]]), cache.replace(CUSTOMER_BY_EMAIL, [[normalizeEmail(customer.email), customer.id]])]);
}

/** The cached record is known to be outdated (webhook, version conflict, gone): read it again next time. */
export async function customerChanged(cache: EntityCache, id: string): Promise<void> {
  await cache.invalidate(CUSTOMER, [id]);
}
