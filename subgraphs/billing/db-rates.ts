import type { Queryable } from '../shared/sql.js';

/**
 * Billing's exchange rates (table `exchange_rate`, migration v5): units of a currency one euro
 * buys on a date, the ECB's convention, so that any currency can be the base. EUR is 1 by
 * definition and has no row.
 */
export interface ExchangeRateModel {
  currency: string;
  /** YYYY-MM-DD. */
  date: string;
  /** Units of `currency` per euro, as a decimal string. */
  perEur: string;
  source: string;
}

/** A currency's rate in effect on a day: the latest on or before it, else (before the first) the earliest. */
export type RateTable = ReadonlyMap<string, ExchangeRateModel>;

const COLUMNS = `currency_cd AS currency, to_char(rate_date, 'YYYY-MM-DD') AS date, per_eur::text AS "perEur", source`;

/** One statement: each currency's rate in effect on `day` (YYYY-MM-DD). */
export async function ratesOn(sql: Queryable, day: string): Promise<RateTable> {
  const { rows } = await sql.query<ExchangeRateModel>(
    `SELECT DISTINCT ON (currency_cd) ${COLUMNS}
     FROM exchange_rate
     ORDER BY currency_cd, rate_date <= $1::date DESC, CASE WHEN rate_date <= $1::date THEN rate_date END DESC, rate_date`,
    [day],
  );
  return new Map(rows.map((row) => [row.currency, { ...row, perEur: trimDecimal(row.perEur) }]));
}

/** Adds a currency's rate for a day, or replaces that day's (a correction); returns the row stored. */
export async function setExchangeRate(sql: Queryable, rate: ExchangeRateModel): Promise<ExchangeRateModel> {
  const { rows } = await sql.query<ExchangeRateModel>(
    `INSERT INTO exchange_rate (currency_cd, rate_date, per_eur, source) VALUES ($1, $2::date, $3::numeric, $4)
     ON CONFLICT (currency_cd, rate_date) DO UPDATE SET per_eur = EXCLUDED.per_eur, source = EXCLUDED.source
     RETURNING ${COLUMNS}`,
    [rate.currency, rate.date, rate.perEur, rate.source],
  );
  return { ...rows[0]!, perEur: trimDecimal(rows[0]!.perEur) };
}

/** `1.09000000` → `1.09`: numeric(18, 8) pads; the rate as entered reads better. */
export function trimDecimal(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}

/** An amount converted into the base currency, with what the conversion used. */
export interface ConvertedCents {
  cents: number;
  /** Units of base currency per unit of the original currency. */
  rate: number;
  /** The oldest rate date used; null when no rate was needed (same currency, or EUR to EUR). */
  rateDate: string | null;
  rateSource: string;
}

/**
 * `cents` of `currency` in `base`, through the euro: × (base per euro) ÷ (currency per euro),
 * rounded half away from zero to a cent. Null when either currency has no rate.
 */
export function convertCents(cents: number, currency: string, base: string, rates: RateTable): ConvertedCents | null {
  if (currency === base) return { cents, rate: 1, rateDate: null, rateSource: 'same currency' };
  const from = currency === 'EUR' ? null : rates.get(currency);
  const to = base === 'EUR' ? null : rates.get(base);
  if (from === undefined || to === undefined) return null;
  const rate = (to ? Number(to.perEur) : 1) / (from ? Number(from.perEur) : 1);
  const used = [from, to].filter((row): row is ExchangeRateModel => row !== null);
  return {
    cents: Math.sign(cents) * Math.round(Math.abs(cents) * rate),
    rate,
    rateDate: used.map((row) => row.date).sort()[0] ?? null,
    rateSource: [...new Set(used.map((row) => row.source))].join('; '),
  };
}
