import { readFirst, type Connection } from '../shared/connection.js';
import { decodeKeyCursor, encodeKeyCursor } from '../shared/cursor.js';
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
 * GraphQL cursors wrap the CRM's own keyset cursor (after a customer id), or mark the end of
 * the list (no CRM cursor) when the CRM has no further page: the CRM creates and deletes no
 * customers through its API, so nothing can follow the last one. Both are opaque to clients.
 */
const LIST = 'crm.customers';
const END = '';
const encode = (crmCursor: string | null) => encodeKeyCursor(LIST, [crmCursor ?? END]);

function decode(after: string | null | undefined): { crmCursor?: string; end: boolean } {
  if (after == null) return { end: false };
  const key = decodeKeyCursor(after, LIST, ['string']);
  if (key === null) throw badInput(ORIGIN, 'after', 'after is not a cursor returned by this field');
  return key[0] === END ? { end: true } : { crmCursor: String(key[0]), end: false };
}

/** Validates `first` and `country`; returns `first` with its default. */
function readArgs(args: CustomersArgs): number {
  const first = readFirst(args, ORIGIN);
  if (args.country != null && !/^[A-Z]{2}$/.test(args.country)) throw badInput(ORIGIN, 'country', 'country must be an ISO 3166-1 alpha-2 code such as DE');
  return first;
}

/** Walks the CRM's cursor pages (≤ 100 customers a call) until `first` customers are collected. */
export async function customerPage(crm: CrmClient, args: CustomersArgs): Promise<Connection<CustomerModel>> {
  const first = readArgs(args);
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
  const first = readArgs(args);
  decode(args.after); // validates it: a cursor this field never handed out is BAD_USER_INPUT
  const own = args.after == null ? await load(customerId) : null;
  const matching = own && (args.segment == null || own.segment === args.segment) && (args.country == null || own.country === args.country) ? [own] : [];
  const nodes = matching.slice(0, first);
  return { nodes, pageInfo: { hasNextPage: matching.length > nodes.length, endCursor: nodes.length > 0 ? encode(null) : null } };
}
