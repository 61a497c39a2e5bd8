import type { Connection } from '../shared/connection.js';
import { MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE } from '../shared/connection.js';
import { badInput } from '../shared/errors.js';
import { CRM_PAGE_LIMIT, type CrmClient } from './crm-client.js';
import type { CustomerModel, CustomerSegment } from './models.js';
import { ORIGIN } from './origin.js';

export interface CustomersArgs {
  first?: number | null;
  after?: string | null;
  segment?: CustomerSegment | null;
  country?: string | null;
}

/**
 * GraphQL cursors wrap the CRM's own cursor (`c:<crm cursor>`), or mark the end of the list
 * (`end`) when the CRM has no further page. Both are opaque to clients.
 */
const END = 'end';
const encode = (crmCursor: string | null) => Buffer.from(crmCursor === null ? END : `c:${crmCursor}`, 'utf8').toString('base64url');

function decode(after: string | null | undefined): { crmCursor?: string; end: boolean } {
  if (after == null) return { end: false };
  const raw = Buffer.from(after, 'base64url').toString('utf8');
  if (raw === END) return { end: true };
  if (raw.startsWith('c:') && raw.length > 2) return { crmCursor: raw.slice(2), end: false };
  throw badInput(ORIGIN, 'after', 'after is not a cursor returned by this field');
}

/** Validates `first` and `country`; returns `first` with its default. */
function readFirst(args: CustomersArgs): number {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw badInput(ORIGIN, 'first', `first must be between 0 and ${MAX_PAGE_SIZE}`);
  if (args.country != null && !/^[A-Z]{2}$/.test(args.country)) throw badInput(ORIGIN, 'country', 'country must be an ISO 3166-1 alpha-2 code such as DE');
  return first;
}

/** Walks the CRM's cursor pages (≤ 100 customers a call) until `first` customers are collected. */
export async function customerPage(crm: CrmClient, args: CustomersArgs): Promise<Connection<CustomerModel>> {
  const first = readFirst(args);
  const start = decode(args.after);
  if (start.end) return { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };

  const filters = { segment: args.segment ?? undefined, country: args.country ?? undefined };
  const nodes: CustomerModel[] = [];
  let cursor: string | null = start.crmCursor ?? null;
  if (first === 0) {
    // Nothing to return, but whether anything follows is still a fair question: one row answers it.
    const probe = await crm.listCustomers({ limit: 1, cursor: cursor ?? undefined, ...filters });
    return { nodes, pageInfo: { hasNextPage: probe.data.length > 0, endCursor: null } };
  }
  do {
    const page = await crm.listCustomers({ limit: Math.min(CRM_PAGE_LIMIT, first - nodes.length), cursor: cursor ?? undefined, ...filters });
    nodes.push(...page.data);
    // An empty page ends the walk even if a CRM were to hand out another cursor.
    cursor = page.data.length === 0 ? null : page.nextCursor;
  } while (cursor !== null && nodes.length < first);
  return { nodes, pageInfo: { hasNextPage: cursor !== null, endCursor: nodes.length > 0 ? encode(cursor) : null } };
}

/**
 * `customers` for a principal restricted to one customer: a list of at most that one record,
 * filtered like the CRM would. Every cursor this hands out is the end of the list, so any valid
 * `after` answers an empty page.
 */
export async function ownCustomerPage(load: (id: string) => Promise<CustomerModel | null>, customerId: string, args: CustomersArgs): Promise<Connection<CustomerModel>> {
  const first = readFirst(args);
  decode(args.after); // validates it: a cursor this field never handed out is BAD_USER_INPUT
  const own = args.after == null ? await load(customerId) : null;
  const matching = own && (args.segment == null || own.segment === args.segment) && (args.country == null || own.country === args.country) ? [own] : [];
  const nodes = matching.slice(0, first);
  return { nodes, pageInfo: { hasNextPage: matching.length > nodes.length, endCursor: nodes.length > 0 ? encode(null) : null } };
}
