import { decodeKeyCursor, encodeKeyCursor, type CursorKey, type KeyPart } from './cursor.js';
import { badInput, type ErrorOrigin } from './errors.js';

export type { CursorKey };

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

/** How one list is ordered: what its cursors carry, and where the key of a row comes from. */
export interface Keyset<T> {
  /** Names the list inside its cursors, so a cursor of another list is refused. */
  list: string;
  /** The kinds of the key's parts, most significant first (checked on every `after`). */
  parts: readonly KeyPart[];
  keyOf(node: T): CursorKey;
}

/** Validated page request: `limit` rows strictly after the row whose key is `after` (from the start when null). */
export interface Page {
  limit: number;
  after: CursorKey | null;
}

/** `first` with its default, or BAD_USER_INPUT on `first`. */
export function readFirst(args: Pick<PageArgs, 'first'>, origin: ErrorOrigin): number {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(origin, 'first', `first must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return first;
}

/** A cursor of another list, another version or a tampered one is BAD_USER_INPUT on `after`. */
export function readPage(args: PageArgs, keyset: Pick<Keyset<unknown>, 'list' | 'parts'>, origin: ErrorOrigin): Page {
  const first = readFirst(args, origin);
  if (args.after == null) return { limit: first, after: null };
  const after = decodeKeyCursor(args.after, keyset.list, keyset.parts);
  if (after === null) throw badInput(origin, 'after', 'after is not a cursor returned by this field');
  return { limit: first, after };
}

/**
 * Builds a connection from rows fetched with `limit + 1` (the extra row only tells whether
 * there is a next page); the end cursor is the key of the page's last row.
 */
export function toConnection<T>(rows: readonly T[], page: Page, keyset: Keyset<T>): Connection<T> {
  const nodes = rows.slice(0, page.limit);
  const last = nodes.at(-1);
  return {
    nodes,
    pageInfo: {
      hasNextPage: rows.length > page.limit,
      endCursor: last === undefined ? null : encodeKeyCursor(keyset.list, keyset.keyOf(last)),
    },
  };
}

/** Orders two keys part by part; `direction` is the list's (newest first lists are 'desc'). */
export function compareKeys(a: CursorKey, b: CursorKey, direction: 'asc' | 'desc'): number {
  for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
    const [x, y] = [a[index]!, b[index]!];
    if (x !== y) {
      const ascending = x < y ? -1 : 1;
      return direction === 'asc' ? ascending : -ascending;
    }
  }
  return a.length - b.length;
}

/**
 * Pages an in-memory list already sorted in `direction` by its key (e.g. one customer's tickets
 * from a batch call): rows strictly after the cursor's key, so it stays a keyset page.
 */
export function sliceConnection<T>(sorted: readonly T[], page: Page, keyset: Keyset<T>, direction: 'asc' | 'desc'): Connection<T> {
  const after = page.after;
  const start = after === null ? 0 : sorted.findIndex((node) => compareKeys(keyset.keyOf(node), after, direction) > 0);
  const rest = start < 0 ? [] : sorted.slice(start, start + page.limit + 1);
  return toConnection(rest, page, keyset);
}

/**
 * A connection that can say how many rows its list holds in all: `totalCount` resolves by
 * calling `count`, so the statement runs only when a client selects the field.
 */
export interface CountedConnection<T> extends Connection<T> {
  count(): Promise<number>;
}

export function withCount<T>(connection: Connection<T>, count: () => Promise<number>): CountedConnection<T> {
  return { ...connection, count };
}
