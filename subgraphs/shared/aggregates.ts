import { badInput, type ErrorOrigin } from './errors.js';

/**
 * What every aggregate field (salesSummary, revenue, receivablesAging, …) reads the same way: a
 * period of DateTimes, a row limit and a list of groupings. Checked before any statement runs;
 * each refusal is BAD_USER_INPUT naming the argument.
 */

/** An aggregate's period spans at most five years: its months stay a bounded number of rows. */
export const MAX_PERIOD_DAYS = 5 * 366;
export const DEFAULT_AGGREGATE_ROWS = 100;
export const MAX_AGGREGATE_ROWS = 1000;
const DAY_MS = 86_400_000;

// A date, or a date and time with an offset: what DateTime's description promises.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** A DateTime argument as a Date; a date alone is midnight UTC. */
export function readDateTime(value: string, field: string, origin: ErrorOrigin): Date {
  const at = ISO_8601.test(value) && isCalendarDay(value.slice(0, 10)) ? new Date(value.length === 10 ? `${value}T00:00:00Z` : value) : null;
  if (!at || Number.isNaN(at.getTime())) throw badInput(origin, field, `${field} must be an ISO-8601 date or date-time, e.g. 2026-05-01T00:00:00Z`);
  return at;
}

/**
 * Whether `YYYY-MM-DD` names a day on the calendar. `2025-02-30` does not: V8's Date reads it as
 * 2 March, which would answer for a day nobody asked about; `2025-13-01` is an invalid Date.
 */
export function isCalendarDay(day: string): boolean {
  const at = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === day;
}

/** An optional DateTime argument (a range filter's bound): null when not given. */
export function readOptionalDateTime(value: string | null | undefined, field: string, origin: ErrorOrigin): Date | null {
  return value == null ? null : readDateTime(value, field, origin);
}

export interface Period {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** `[from, to)`: from before to, at most MAX_PERIOD_DAYS apart. */
export function readPeriod(args: { from: string; to: string }, origin: ErrorOrigin): Period {
  const from = readDateTime(args.from, 'from', origin);
  const to = readDateTime(args.to, 'to', origin);
  if (to.getTime() <= from.getTime()) throw badInput(origin, 'to', 'to must be later than from');
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) throw badInput(origin, 'to', `the period must span at most ${MAX_PERIOD_DAYS} days`);
  return { from, to };
}

/** How many rows an aggregate may answer (`first`): 0 to MAX_AGGREGATE_ROWS. */
export function readRowLimit(first: number | null | undefined, origin: ErrorOrigin): number {
  const limit = first ?? DEFAULT_AGGREGATE_ROWS;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_AGGREGATE_ROWS) throw badInput(origin, 'first', `first must be between 0 and ${MAX_AGGREGATE_ROWS}`);
  return limit;
}

/** The groupings asked for, each at most once. */
export function readGroupBy<T extends string>(groupBy: readonly T[] | null | undefined, fallback: readonly T[], origin: ErrorOrigin): ReadonlySet<T> {
  const list = groupBy ?? fallback;
  const set = new Set(list);
  if (set.size !== list.length) throw badInput(origin, 'groupBy', 'groupBy names a grouping twice');
  return set;
}

/** Rows fetched with `limit + 1`: the extra one only says that more groups exist. */
export function limitRows<T>(rows: readonly T[], limit: number): { rows: T[]; truncated: boolean } {
  return { rows: rows.slice(0, limit), truncated: rows.length > limit };
}

/** What every aggregate answers: the period and groupings as applied, and the rows cut at `limit`. */
export function aggregateAnswer<G extends string, R, T>(period: Period, groupBy: ReadonlySet<G>, found: readonly R[], limit: number, toRow: (row: R) => T) {
  const { rows, truncated } = limitRows(found, limit);
  return { from: period.from.toISOString(), to: period.to.toISOString(), groupBy: [...groupBy], truncated, rows: rows.map(toRow) };
}

/** A row grouped by customer names it by key; the CRM answers its fields. */
export const customerRef = (customerId: string | null) => (customerId === null ? null : { id: customerId });
