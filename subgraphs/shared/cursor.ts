/**
 * Keyset cursors: the order key of a list's last row (e.g. `placedAt, id`), versioned and tagged
 * with the list it came from, as base64url JSON. A page starts strictly after that key, so rows
 * inserted or deleted between two pages neither repeat nor skip a row (an offset would move).
 * Clients must treat cursors as opaque; only this file knows their shape.
 */

/** What one element of a key is, so a decoded cursor is checked before it reaches a query. */
export type KeyPart = 'int' | 'string' | 'date';

/** The order key of one row, most significant first. */
export type CursorKey = readonly (string | number)[];

/** Bump when the encoding changes: older cursors are then refused instead of misread. */
const CURSOR_VERSION = 1;
/** Longer than any key we hand out; a longer `after` is refused before decoding. */
const MAX_CURSOR_LENGTH = 512;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_STRING_PART = 256;

export function encodeKeyCursor(list: string, key: CursorKey): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, list, ...key]), 'utf8').toString('base64url');
}

function partMatches(kind: KeyPart, value: unknown): boolean {
  if (kind === 'int') return Number.isSafeInteger(value);
  if (kind === 'date') return typeof value === 'string' && ISO_DATE.test(value);
  return typeof value === 'string' && value.length <= MAX_STRING_PART;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/**
 * The key inside `cursor` when it is a cursor of `list` with these parts; null when it is not
 * (tampered, truncated, another list's, another version's): the caller answers BAD_USER_INPUT.
 */
export function decodeKeyCursor(cursor: string, list: string, parts: readonly KeyPart[]): CursorKey | null {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) return null;
  const decoded = parseJson(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Array.isArray(decoded) || decoded.length !== parts.length + 2) return null;
  const [version, tag, ...key] = decoded as unknown[];
  if (version !== CURSOR_VERSION || tag !== list) return null;
  return parts.every((kind, index) => partMatches(kind, key[index])) ? (key as (string | number)[]) : null;
}
