import DataLoader from 'dataloader';
import { CRM_BATCH_LIMIT, type CrmClient } from './crm-client.js';
import type { CustomerModel } from './models.js';

/** Emails are matched case-insensitively everywhere (the CRM does the same). */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export interface CrmLoaders {
  customerById: DataLoader<string, CustomerModel | null>;
  /** Keys are normalized emails (see `normalizeEmail`). */
  customerByEmail: DataLoader<string, CustomerModel | null>;
  /** Caches a customer the request just wrote or listed, under both keys. */
  prime(customer: CustomerModel): void;
  /** Drops what the request cached about a customer that just changed. */
  forget(id: string): void;
}

/**
 * Per-request loaders: every customer lookup in one tick becomes one CRM call per 100 keys
 * (the CRM's batch limit), never one call per row. Each answer also primes the other key.
 */
export function createLoaders(crm: CrmClient): CrmLoaders {
  const customerById: DataLoader<string, CustomerModel | null> = new DataLoader(
    async (ids) => {
      const found = new Map((await crm.customersByIds(ids)).map((customer) => [customer.id, customer]));
      for (const customer of found.values()) customerByEmail.prime(normalizeEmail(customer.email), customer);
      return ids.map((id) => found.get(id) ?? null);
    },
    { maxBatchSize: CRM_BATCH_LIMIT },
  );
  const customerByEmail: DataLoader<string, CustomerModel | null> = new DataLoader(
    async (emails) => {
      const found = new Map((await crm.customersByEmails(emails)).map((customer) => [normalizeEmail(customer.email), customer]));
      for (const customer of found.values()) customerById.prime(customer.id, customer);
      return emails.map((email) => found.get(normalizeEmail(email)) ?? null);
    },
    { maxBatchSize: CRM_BATCH_LIMIT, cacheKeyFn: normalizeEmail },
  );
  return {
    customerById,
    customerByEmail,
    prime(customer) {
      customerById.clear(customer.id).prime(customer.id, customer);
      customerByEmail.clear(customer.email).prime(customer.email, customer);
    },
    forget(id) {
      customerById.clear(id);
      // The old email is not known here; the email cache is small and per request.
      customerByEmail.clearAll();
    },
  };
}
