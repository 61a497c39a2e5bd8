import type { Segment, StoredCustomer } from './store.js';

/** A 400 answer: which query parameter or body field was wrong, and why. */
export interface Invalid {
  field: string;
  message: string;
}

export const MAX_BATCH_KEYS = 100;
export const MAX_PAGE_LIMIT = 100;
export const DEFAULT_PAGE_LIMIT = 50;

const SEGMENTS: readonly Segment[] = ['ENTERPRISE', 'MID_MARKET', 'SMB'];
const COUNTRY = /^[A-Z]{2}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;
const PHONE = /^\+?[0-9][0-9 ()./-]{2,39}$/;
const CURSOR_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isInvalid(value: unknown): value is Invalid {
  return typeof value === 'object' && value !== null && 'field' in value && 'message' in value;
}

/** `ids=a,b,c` (or repeated `ids=`): trimmed, deduplicated, at most 100. */
export function parseKeyList(field: string, raw: unknown): string[] | Invalid {
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((value) => String(value).split(','));
  const keys = [...new Set(parts.map((part) => part.trim()).filter((part) => part.length > 0))];
  if (keys.length > MAX_BATCH_KEYS) return { field, message: `at most ${MAX_BATCH_KEYS} ${field} per call, got ${keys.length}` };
  return keys;
}

export function parseLimit(raw: unknown): number | Invalid {
  if (raw === undefined) return DEFAULT_PAGE_LIMIT;
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || value < 1 || value > MAX_PAGE_LIMIT) {
    return { field: 'limit', message: `limit must be an integer between 1 and ${MAX_PAGE_LIMIT}` };
  }
  return value;
}

/** Cursors are opaque to callers; inside they name the last id of the previous page. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(`after:${lastId}`, 'utf8').toString('base64url');
}

export function decodeCursor(raw: unknown): string | undefined | Invalid {
  if (raw === undefined || raw === '') return undefined;
  const decoded = typeof raw === 'string' ? Buffer.from(raw, 'base64url').toString('utf8') : '';
  const id = decoded.startsWith('after:') ? decoded.slice('after:'.length) : '';
  if (!CURSOR_ID.test(id)) return { field: 'cursor', message: 'cursor is not one this API returned' };
  return id;
}

export function parseFilter(field: 'segment' | 'country', raw: unknown): string | undefined | Invalid {
  if (raw === undefined || raw === '') return undefined;
  const ok = field === 'segment' ? SEGMENTS.includes(raw as Segment) : typeof raw === 'string' && COUNTRY.test(raw);
  return ok ? (raw as string) : { field, message: `unsupported ${field}` };
}

export type CustomerPatch = Partial<Pick<StoredCustomer, 'name' | 'email' | 'phone' | 'segment' | 'country' | 'accountManager'>>;

type Check = (value: unknown) => string | null;
const text =
  (max: number): Check =>
  (value) =>
    typeof value === 'string' && value.trim().length > 0 && value.length <= max ? null : `must be a non-empty string of at most ${max} characters`;
const nullable =
  (check: Check): Check =>
  (value) =>
    value === null ? null : check(value);

/** Field rules; `phone` and `accountManager` may be cleared with null. */
const RULES: Record<keyof CustomerPatch, Check> = {
  name: text(200),
  email: (value) => (typeof value === 'string' && value.length <= 254 && EMAIL.test(value) ? null : 'must be an email address'),
  phone: nullable((value) => (typeof value === 'string' && PHONE.test(value) ? null : 'must be a phone number')),
  segment: (value) => (SEGMENTS.includes(value as Segment) ? null : `must be one of ${SEGMENTS.join(', ')}`),
  country: (value) => (typeof value === 'string' && COUNTRY.test(value) ? null : 'must be an ISO 3166-1 alpha-2 code'),
  accountManager: nullable(text(200)),
};

export function parsePatch(body: unknown): CustomerPatch | Invalid {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { field: 'body', message: 'expected a JSON object' };
  const patch: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    if (!Object.hasOwn(RULES, field)) return { field, message: 'unknown field' };
    const problem = RULES[field as keyof CustomerPatch](value);
    if (problem) return { field, message: `${field} ${problem}` };
    patch[field] = value;
  }
  return patch as CustomerPatch;
}
