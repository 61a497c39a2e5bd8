import { readFirst, readPage, sliceConnection, type Connection } from '../../shared/connection.js';
import { decodeKeyCursor, encodeKeyCursor } from '../../shared/cursor.js';
import { badInput } from '../../shared/errors.js';
import type { QueryTicketsArgs } from '../__generated__/resolvers-types.js';
import type { SupportLoaders } from '../loaders.js';
import { REQUESTER_TICKETS_KEYSET, sortedNewestFirst } from '../keysets.js';
import type { TicketModel } from '../models.js';
import { ORIGIN } from '../origin.js';
import type { SupportClient } from '../support-client.js';

/** The desk serves at most this many tickets per list page. */
const DESK_PAGE_SIZE = 100;
const LIST = 'support.tickets';
/** In place of a desk cursor after the oldest ticket. */
const END = '';

/**
 * Root-list cursors wrap the desk's own keyset cursor (after a ticket's createdAt and id), so a
 * page costs ⌈first/100⌉ desk calls wherever it starts and stays stable while new tickets arrive
 * at the front. The cursor after the oldest ticket wraps no desk cursor: nothing can come after
 * it, as new tickets are always the newest and the desk deletes none.
 */
function encodeListCursor(deskCursor: string | null): string {
  return encodeKeyCursor(LIST, [deskCursor ?? END]);
}

function decodeListCursor(after: string): string | null {
  const key = decodeKeyCursor(after, LIST, ['string']);
  if (key === null) throw badInput(ORIGIN, 'after', 'after is not a cursor returned by this field');
  return key[0] === END ? null : String(key[0]);
}

/** `Query.tickets`: walks the desk's cursor pages until `first` tickets are collected. */
export async function listTickets(client: SupportClient, args: QueryTicketsArgs): Promise<Connection<TicketModel>> {
  const limit = readFirst(args, ORIGIN);
  let cursor: string | undefined;
  if (args.after != null) {
    const deskCursor = decodeListCursor(args.after);
    if (deskCursor === null) return { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };
    cursor = deskCursor;
  }
  const filters = { status: args.status ?? undefined, priority: args.priority ?? undefined };
  if (limit === 0) {
    // Nothing to return, but whether anything follows is still a fair question.
    const probe = await client.listTickets({ limit: 1, cursor, ...filters });
    return { nodes: [], pageInfo: { hasNextPage: probe.tickets.length > 0, endCursor: null } };
  }
  const nodes: TicketModel[] = [];
  let next: string | null = null;
  do {
    const page = await client.listTickets({ limit: Math.min(DESK_PAGE_SIZE, limit - nodes.length), cursor, ...filters });
    nodes.push(...page.tickets);
    next = page.nextCursor;
    cursor = next ?? undefined;
  } while (next !== null && nodes.length < limit);
  return {
    nodes,
    pageInfo: { hasNextPage: next !== null, endCursor: nodes.length > 0 ? encodeListCursor(next) : null },
  };
}

/**
 * `Query.tickets` for a principal restricted to one requester: that requester's tickets from one
 * batched desk call, filtered and paged in memory (keyset cursors, like the per-customer lists).
 */
export async function listRequesterTickets(loaders: SupportLoaders, requesterEmail: string, args: QueryTicketsArgs): Promise<Connection<TicketModel>> {
  const page = readPage(args, REQUESTER_TICKETS_KEYSET, ORIGIN);
  const all = await loaders.ticketsByRequesterEmail.load(requesterEmail);
  const matching = all.filter((ticket) => (args.status == null || ticket.status === args.status) && (args.priority == null || ticket.priority === args.priority));
  return sliceConnection(sortedNewestFirst(matching), page, REQUESTER_TICKETS_KEYSET, 'desc');
}
