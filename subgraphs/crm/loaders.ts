import DataLoader from 'dataloader';
import type { EntityCache } from '../shared/entity-cache/cache.js';
import type { StaleIfErrorReport } from '../shared/entity-cache/report.js';
import type { ProvenanceRecorder } from '../shared/provenance.js';
import { CRM_BATCH_LIMIT, type CrmClient } from './crm-client.js';
import { CUSTOMER, CUSTOMER_BY_EMAIL } from './customer-cache.js';
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
 * Below them sits the shared entity cache: only keys it cannot answer reach the CRM, still in
 * one call per 100. Row-level rules run above, on whatever these return.
 */
export function createLoaders(crm: CrmClient, cache: EntityCache, report: StaleIfErrorReport, provenance: ProvenanceRecorder): CrmLoaders {
  const customerById: DataLoader<string, CustomerModel | null> = new DataLoader(
    async (ids) => {
      const results = await cache.loadMany<CustomerModel>(
        CUSTOMER,
        ids,
        async (missing) => {
          const found = new Map((await crm.customersByIds(missing)).map((customer) => [customer.id, customer]));
          return new Map(missing.map((id) => [id, found.get(id) ?? null]));
        },
        report,
      );
      provenance.loaded(CUSTOMER, results);
      return results.map((result) => {
        if (result instanceof Error) return result;
        if (result.value) customerByEmail.prime(normalizeEmail(result.value.email), result.value);
        return result.value;
      });
    },
    { maxBatchSize: CRM_BATCH_LIMIT },
  );

  /** Emails → ids through the cache; a mapping whose customer no longer has that email is `undefined`. */
  async function resolveEmails(emails: string[]): Promise<Array<CustomerModel | null | undefined | Error>> {
    const fetched = new Map<string, CustomerModel>();
    const ids = await cache.loadMany<string>(
      CUSTOMER_BY_EMAIL,
      emails,
      async (missing) => {
        const customers = await crm.customersByEmails(missing);
        for (const customer of customers) fetched.set(normalizeEmail(customer.email), customer);
        // Found by email, these are as fresh as a read by id: later reads by id need no call.
        await cache.setMany(
          CUSTOMER,
          customers.map((customer) => [customer.id, customer] as const),
        );
        return new Map(missing.map((email) => [email, fetched.get(email)?.id ?? null]));
      },
      report,
    );
    // Mappings answered from the cache lead to `customerById`, which records its own loads.
    provenance.loaded(
      CUSTOMER,
      ids.filter((result) => !(result instanceof Error) && result.meta.source === 'system'),
    );
    for (const customer of fetched.values()) customerById.prime(customer.id, customer);
    return Promise.all(
      ids.map(async (result, i) => {
        if (result instanceof Error || result.value === null) return result instanceof Error ? result : null;
        const email = emails[i]!;
        try {
          const customer = fetched.get(email) ?? (await customerById.load(result.value));
          // Never answer a customer under an email it does not have (the mapping outlived a change).
          return customer && normalizeEmail(customer.email) === email ? customer : undefined;
        } catch (error) {
          return error as Error;
        }
      }),
    );
  }

  const customerByEmail: DataLoader<string, CustomerModel | null> = new DataLoader(
    async (keys) => {
      const emails = keys.map(normalizeEmail);
      const first = await resolveEmails(emails);
      const outdated = emails.filter((_email, i) => first[i] === undefined);
      if (outdated.length === 0) return first as Array<CustomerModel | null | Error>;
      // Second pass for outdated mappings only: dropped, then asked of the CRM (one call).
      await cache.invalidate(CUSTOMER_BY_EMAIL, outdated);
      const second = new Map((await resolveEmails(outdated)).map((result, i) => [outdated[i]!, result]));
      return emails.map((email, i) => first[i] ?? second.get(email) ?? null);
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
