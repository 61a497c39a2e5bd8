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
}

export interface AgingRowModel {
  bucket: AgingBucket;
  currency: string;
  invoices: number;
  dueCents: number;
}

export async function revenue(sql: Queryable, query: RevenueQuery): Promise<RevenueRowModel[]> {
  const { rows } = await sql.query<{
    month: string | null;
    status_cd: string | null;
    crm_ref: string | null;
    currency_cd: string;
    invoices: number;
    invoiced_cents: string | number;
    paid_cents: string | number;
  }>(
    `SELECT CASE WHEN $3::boolean THEN to_char(h.issued_on, 'YYYY-MM') END AS month,
            CASE WHEN $4::boolean THEN h.status_cd END AS status_cd,
            CASE WHEN $5::boolean THEN h.crm_ref END AS crm_ref,
            h.currency_cd, count(*)::int AS invoices, sum(h.amount_cents)::bigint AS invoiced_cents,
            coalesce(sum(p.paid_cents), 0)::bigint AS paid_cents
     FROM inv_header h
     LEFT JOIN (SELECT inv_id, sum(amount_cents) AS paid_cents FROM pmt GROUP BY inv_id) p ON p.inv_id = h.inv_id
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
  }));
}

/**
 * What was owed at `asOf`: invoices issued by then, minus the payments received by then, by whole
 * days past the due date (due today is CURRENT). An invoice's status is today's: one voided since
 * `asOf` is left out, as billing keeps no date of voiding.
 */
export async function receivablesAging(sql: Queryable, asOf: Date, customerId: string | null): Promise<AgingRowModel[]> {
  const { rows } = await sql.query<{ bucket: AgingBucket; currency_cd: string; invoices: number; due_cents: string | number }>(
    `SELECT (ARRAY['CURRENT', 'DAYS_1_30', 'DAYS_31_60', 'DAYS_61_90', 'OVER_90'])[rank] AS bucket,
            currency_cd, count(*)::int AS invoices, sum(due_cents)::bigint AS due_cents
     FROM (SELECT *, CASE WHEN days <= 0 THEN 1 WHEN days <= 30 THEN 2 WHEN days <= 60 THEN 3 WHEN days <= 90 THEN 4 ELSE 5 END AS rank FROM (
       SELECT h.currency_cd,
              floor(extract(epoch FROM ($1::timestamptz - (h.due_on::timestamp AT TIME ZONE 'UTC'))) / 86400)::int AS days,
              h.amount_cents - coalesce((SELECT sum(p.amount_cents) FROM pmt p WHERE p.inv_id = h.inv_id AND p.paid_at <= $1::timestamptz), 0) AS due_cents
       FROM inv_header h
       WHERE h.status_cd <> 'V' AND ${ISSUED_AT} <= $1::timestamptz AND ($2::text IS NULL OR h.crm_ref = $2::text)
     ) owed WHERE due_cents > 0) ranked
     GROUP BY rank, currency_cd
     ORDER BY rank, currency_cd`,
    [asOf.toISOString(), customerId],
  );
  return rows.map((row) => ({ bucket: row.bucket, currency: row.currency_cd, invoices: row.invoices, dueCents: Number(row.due_cents) }));
}
