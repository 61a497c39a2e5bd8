import { badInput, type ErrorOrigin } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1000;

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
export interface Connection<T> {
  nodes: T[];
  pageInfo: PageInfo;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** Validated page request: `limit` rows after the row at `offset`. */
export interface Page {
  limit: number;
  offset: number;
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`, 'utf8').toString('base64url');
}

/** Offset cursors are opaque to clients; a tampered cursor is BAD_USER_INPUT on `after`. */
export function readPage(args: PageArgs, origin: ErrorOrigin): Page {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(origin, 'first', `first must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  let offset = 0;
  if (args.after != null) {
    const decoded = Buffer.from(args.after, 'base64url').toString('utf8');
    const match = /^o:(\d{1,9})$/.exec(decoded);
    if (!match) throw badInput(origin, 'after', 'after is not a cursor returned by this field');
    offset = Number(match[1]) + 1;
  }
  return { limit: first, offset };
}

/**
 * Builds a connection from rows fetched with `limit + 1` (the extra row only tells whether
 * there is a next page).
 */
export function toConnection<T>(rows: readonly T[], page: Page): Connection<T> {
  const nodes = rows.slice(0, page.limit);
  return {
    nodes,
    pageInfo: {
      hasNextPage: rows.length > page.limit,
      endCursor: nodes.length > 0 ? encodeCursor(page.offset + nodes.length - 1) : null,
    },
  };
}

/** Pages an in-memory list (e.g. one customer's tickets from a batch call). */
export function sliceConnection<T>(all: readonly T[], page: Page): Connection<T> {
  return toConnection(all.slice(page.offset, page.offset + page.limit + 1), page);
}
