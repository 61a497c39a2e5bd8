import type { Period } from '../shared/aggregates.js';
import type { Queryable } from '../shared/sql.js';
import { ISSUED_AT, STATUS_BY_CODE } from './db-rows.js';
import type { InvoiceStatus } from './models.js';

/**
 * Billing's aggregates, each one statement where the invoices live. Void invoices count nowhere:
 * nothing is owed on them. Dates are compared as UTC midnights, whatever the session's time zone.
 */

export type RevenueGrouping = 'MONTH' | 'STATUS' | 'CUSTOMER';
export type AgingBucket = 'CURRENT' | 'DAYS_1_30' | 'DAYS_31_60' | 'DAYS_61_90' | 'OVER_90';

export interface RevenueQuery {
  period: Period;
  groupBy: ReadonlySet<RevenueGrouping>;
  /** Rows wanted; one more is fetched to tell that more groups exist. */
  limit: number;
  /** A portal principal's customer: only its invoices count. */
  customerId: string | null;
}

export interface RevenueRowModel {
  month: string | null;
  status: InvoiceStatus | null;
  customerId: string | null;
  currency: string;
  invoices: number;
  invoicedCents: number;
  paidCents: number;
  /** In the base currency, each invoice at its issue date's rate; null when a rate is missing. */
  invoicedBaseCents: number | null;
  paidBaseCents: number | null;
  /** Every group of the period (before the row limit), in the base currency. */
  totalInvoicedBaseCents: number | null;
  totalPaidBaseCents: number | null;
}

export interface AgingRowModel {
  bucket: AgingBucket;
  currency: string;
  invoices: number;
  dueCents: number;
  /** In the base currency at the rates on `asOf`; null when the currency has no rate. */
  dueBaseCents: number | null;
  /** Every bucket and currency, in the base currency (the same on every row). */
  totalDueBaseCents: number | null;
}

/**
 * A currency's units per euro in effect on a day (the latest on or before it, else the earliest):
 * EUR is 1, a currency without any rate NULL. `$currency` and `$day` are SQL expressions.
 */
const perEurOn = (currency: string, day: string) =>
  `CASE WHEN ${currency} = 'EUR' THEN 1 ELSE (SELECT r.per_eur FROM exchange_rate r WHERE r.currency_cd = ${currency}
     ORDER BY r.rate_date <= ${day} DESC, CASE WHEN r.rate_date <= ${day} THEN r.rate_date END DESC, r.rate_date LIMIT 1) END`;

/** Rounds half away from zero to whole cents; NULL when any invoice of the group had no rate. */
const baseSum = (cents: string) => `CASE WHEN bool_and(h.to_base IS NOT NULL) THEN round(sum(${cents} * h.to_base)) END`;

/** A base-currency sum as SQL returns it (numeric as text); null stays null: a rate was missing. */
const cents = (value: string | null) => (value === null ? null : Number(value));

export async function revenue(sql: Queryable, query: RevenueQuery, baseCurrency: string): Promise<RevenueRowModel[]> {
  const { rows } = await sql.query<{
    month: string | null;
    status_cd: string | null;
    crm_ref: string | null;
    currency_cd: string;
    invoices: number;
    invoiced_cents: string | number;
    paid_cents: string | number;
    invoiced_base: string | null;
    paid_base: string | null;
    total_invoiced_base: string | null;
    total_paid_base: string | null;
  }>(
    `SELECT CASE WHEN $3::boolean THEN to_char(h.issued_on, 'YYYY-MM') END AS month,
            CASE WHEN $4::boolean THEN h.status_cd END AS status_cd,
            CASE WHEN $5::boolean THEN h.crm_ref END AS crm_ref,
            h.currency_cd, count(*)::int AS invoices, sum(h.amount_cents)::bigint AS invoiced_cents,
            coalesce(sum(h.paid_cents), 0)::bigint AS paid_cents,
            ${baseSum('h.amount_cents')}::text AS invoiced_base, ${baseSum('coalesce(h.paid_cents, 0)')}::text AS paid_base,
            -- Window sums run before LIMIT: the totals cover every group of the period.
            CASE WHEN bool_and(bool_and(h.to_base IS NOT NULL)) OVER () THEN sum(${baseSum('h.amount_cents')}) OVER () END::text AS total_invoiced_base,
            CASE WHEN bool_and(bool_and(h.to_base IS NOT NULL)) OVER () THEN sum(${baseSum('coalesce(h.paid_cents, 0)')}) OVER () END::text AS total_paid_base
     FROM (SELECT i.*, p.paid_cents, (${perEurOn('$8::text', 'i.issued_on')}) / (${perEurOn('i.currency_cd', 'i.issued_on')}) AS to_base
           FROM inv_header i
           LEFT JOIN (SELECT inv_id, sum(amount_cents) AS paid_cents FROM pmt GROUP BY inv_id) p ON p.inv_id = i.inv_id) h
     WHERE ${ISSUED_AT} >= $1::timestamptz AND ${ISSUED_AT} < $2::timestamptz AND h.status_cd <> 'V'
       AND ($7::text IS NULL OR h.crm_ref = $7::text)
     GROUP BY 1, 2, 3, 4
     ORDER BY 1, array_position(ARRAY['O', 'P', 'D', 'V'], CASE WHEN $4::boolean THEN h.status_cd END), 3, 4
     LIMIT $6::int + 1`,
    [
      query.period.from.toISOString(),
      query.period.to.toISOString(),
      query.groupBy.has('MONTH'),
      query.groupBy.has('STATUS'),
      query.groupBy.has('CUSTOMER'),
      query.limit,
      query.customerId,
      baseCurrency,
    ],
  );
  return rows.map((row) => ({
    month: row.month,
    status: row.status_cd === null ? null : (STATUS_BY_CODE[row.status_cd] ?? null),
    customerId: row.crm_ref,
    currency: row.currency_cd,
    invoices: row.invoices,
    invoicedCents: Number(row.invoiced_cents),
    paidCents: Number(row.paid_cents),
    invoicedBaseCents: cents(row.invoiced_base),
    paidBaseCents: cents(row.paid_base),
    totalInvoicedBaseCents: cents(row.total_invoiced_base),
    totalPaidBaseCents: cents(row.total_paid_base),
  }));
}

/**
 * What was owed at `asOf`: invoices issued by then, minus the payments received by then, by whole
 * days past the due date (due today is CURRENT). An invoice's status is today's: one voided since
 * `asOf` is left out, as billing keeps no date of voiding.
 */
export async function receivablesAging(sql: Queryable, asOf: Date, customerId: string | null, baseCurrency: string): Promise<AgingRowModel[]> {
  const { rows } = await sql.query<{
    bucket: AgingBucket;
    currency_cd: string;
    invoices: number;
    due_cents: string | number;
    due_base: string | null;
    total_due_base: string | null;
  }>(
    `SELECT (ARRAY['CURRENT', 'DAYS_1_30', 'DAYS_31_60', 'DAYS_61_90', 'OVER_90'])[rank] AS bucket,
            h.currency_cd, count(*)::int AS invoices, sum(due_cents)::bigint AS due_cents, ${baseSum('h.due_cents')}::text AS due_base,
            CASE WHEN bool_and(bool_and(h.to_base IS NOT NULL)) OVER () THEN sum(${baseSum('h.due_cents')}) OVER () END::text AS total_due_base
     FROM (SELECT *, CASE WHEN days <= 0 THEN 1 WHEN days <= 30 THEN 2 WHEN days <= 60 THEN 3 WHEN days <= 90 THEN 4 ELSE 5 END AS rank FROM (
       SELECT h.currency_cd,
              floor(extract(epoch FROM ($1::timestamptz - (h.due_on::timestamp AT TIME ZONE 'UTC'))) / 86400)::int AS days,
              h.amount_cents - coalesce((SELECT sum(p.amount_cents) FROM pmt p WHERE p.inv_id = h.inv_id AND p.paid_at <= $1::timestamptz), 0) AS due_cents,
              -- Owed amounts are converted at the rates in effect on the day aged at.
              (${perEurOn('$3::text', "($1::timestamptz AT TIME ZONE 'UTC')::date")}) / (${perEurOn('h.currency_cd', "($1::timestamptz AT TIME ZONE 'UTC')::date")}) AS to_base
       FROM inv_header h
       WHERE h.status_cd <> 'V' AND ${ISSUED_AT} <= $1::timestamptz AND ($2::text IS NULL OR h.crm_ref = $2::text)
     ) owed WHERE due_cents > 0) h
     GROUP BY rank, h.currency_cd
     ORDER BY rank, h.currency_cd`,
    [asOf.toISOString(), customerId, baseCurrency],
  );
  return rows.map((row) => ({
    bucket: row.bucket,
    currency: row.currency_cd,
    invoices: row.invoices,
    dueCents: Number(row.due_cents),
    dueBaseCents: cents(row.due_base),
    totalDueBaseCents: cents(row.total_due_base),
  }));
}
