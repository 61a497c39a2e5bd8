import { badInput } from '../shared/errors.js';
import { keyLists, createCountedRestClient } from '../shared/rest-client.js';
import type { CustomerModel, CustomerPatch, CustomerSegment } from './models.js';
import { ORIGIN } from './origin.js';

/** The CRM's batch endpoints take at most this many ids or emails per call. */
export const CRM_BATCH_LIMIT = 100;
/** The CRM's largest list page. */
export const CRM_PAGE_LIMIT = 100;

export interface CustomerListQuery {
  limit: number;
  /** The CRM's own opaque cursor. */
  cursor?: string;
  segment?: CustomerSegment;
  country?: string;
}

export interface CustomerListPage {
  data: CustomerModel[];
  nextCursor: string | null;
}

export type UpdateResult =
  | { kind: 'updated'; customer: CustomerModel }
  | { kind: 'not_found' }
  | { kind: 'conflict'; currentVersion: string }
  | { kind: 'duplicate_email' }
  | { kind: 'invalid'; field: string; message: string };

export interface CrmClient {
  /** Found customers only; one HTTP call per 100 ids. */
  customersByIds(ids: readonly string[]): Promise<CustomerModel[]>;
  /** Found customers only (the CRM matches emails case-insensitively); one call per 100 emails. */
  customersByEmails(emails: readonly string[]): Promise<CustomerModel[]>;
  listCustomers(query: CustomerListQuery): Promise<CustomerListPage>;
  /** `PATCH` with `If-Match: version`; never retried (a write). */
  updateCustomer(id: string, version: string, patch: CustomerPatch): Promise<UpdateResult>;
  /** Resolves when the CRM answers its health check; throws otherwise. */
  checkHealth(): Promise<void>;
  /** HTTP calls made since start or the last reset (shown at /debug/counters). */
  callCount(): number;
  resetCallCount(): void;
  close(): Promise<void>;
}

interface CrmError {
  error?: { code?: string; field?: string; message?: string; currentVersion?: string };
}

export interface CrmClientOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
}

/** The one module that knows the CRM's URLs, parameters, status codes and API key. */
export function createCrmClient(options: CrmClientOptions): CrmClient {
  const rest = createCountedRestClient({ baseUrl: options.baseUrl, apiKey: options.apiKey, origin: ORIGIN, timeoutMs: options.timeoutMs });
  const call = rest.call;

  const batch = async (param: 'ids' | 'emails', keys: readonly string[]) => {
    const pages = await Promise.all(keyLists(keys, CRM_BATCH_LIMIT).map((list) => call<{ data: CustomerModel[] }>('GET', '/customers', { query: { [param]: list } })));
    return pages.flatMap((page) => page.body.data);
  };

  return {
    customersByIds: (ids) => batch('ids', ids),
    customersByEmails: (emails) => batch('emails', emails),
    async listCustomers({ limit, cursor, segment, country }) {
      const response = await call<CustomerListPage & CrmError>('GET', '/customers', {
        query: { limit: Math.min(limit, CRM_PAGE_LIMIT), cursor, segment, country },
        expect: [400],
      });
      if (response.status === 400) {
        // Only a cursor can be wrong here: every other parameter is validated before the call.
        if (response.body.error?.field === 'cursor') throw badInput(ORIGIN, 'after', 'after is not a cursor returned by this field');
        throw badInput(ORIGIN, response.body.error?.field ?? 'customers', response.body.error?.message ?? 'invalid argument');
      }
      return { data: response.body.data, nextCursor: response.body.nextCursor };
    },
    async updateCustomer(id, version, patch) {
      const response = await call<CustomerModel & CrmError>('PATCH', `/customers/${encodeURIComponent(id)}`, {
        body: patch,
        headers: { 'if-match': version },
        expect: [400, 404, 409, 412],
      });
      const error = response.body?.error;
      switch (response.status) {
        case 404:
          return { kind: 'not_found' };
        case 409:
          return { kind: 'duplicate_email' };
        case 412:
          return { kind: 'conflict', currentVersion: error?.currentVersion ?? String(response.headers.etag ?? '') };
        case 400:
          return { kind: 'invalid', field: error?.field ?? 'input', message: error?.message ?? 'invalid input' };
        default:
          return { kind: 'updated', customer: response.body };
      }
    },
    async checkHealth() {
      // Not counted: readiness probes (every 2 s from each gateway) must not blur the batching proof.
      await rest.uncounted('GET', '/healthz');
    },
    callCount: rest.callCount,
    resetCallCount: rest.resetCallCount,
    close: rest.close,
  };
}
