import type { Period } from '../shared/aggregates.js';
import type { Queryable } from '../shared/sql.js';
import { CODE_BY_STATUS, STATUS_BY_CODE } from './db-rows.js';
import type { OrderStatus } from './models.js';

/** The ERP's aggregates: the read half of db.ts that groups instead of listing. */

export type SalesGrouping = 'MONTH' | 'STATUS' | 'CUSTOMER';

export interface SalesSummaryQuery {
  period: Period;
  groupBy: ReadonlySet<SalesGrouping>;
  statuses: readonly OrderStatus[];
  /** Rows wanted; one more is fetched to tell that more groups exist. */
  limit: number;
  /** A portal principal's customer: only its orders count. */
  customerId: string | null;
}

export interface SalesSummaryRowModel {
  month: string | null;
  status: OrderStatus | null;
  customerId: string | null;
  currency: string;
  orders: number;
  totalCents: number;
}

interface SummaryRow {
  month: string | null;
  status_cd: string | null;
  cust_ref: string | null;
  currency_cd: string;
  orders: number;
  total_cents: string | number;
}

/**
 * One GROUP BY over the period's orders (the placed_at index bounds the scan). A grouping not
 * asked for is a constant NULL column, so the statement's shape never changes and rows of every
 * grouping come back in the same order.
 */
export async function salesSummary(sql: Queryable, query: SalesSummaryQuery): Promise<SalesSummaryRowModel[]> {
  const { period, groupBy, statuses, limit, customerId } = query;
  const { rows } = await sql.query<SummaryRow>(
    `SELECT CASE WHEN $4::boolean THEN to_char(o.placed_at AT TIME ZONE 'UTC', 'YYYY-MM') END AS month,
            CASE WHEN $5::boolean THEN o.status_cd END AS status_cd,
            CASE WHEN $6::boolean THEN o.cust_ref END AS cust_ref,
            o.currency_cd, count(*)::int AS orders, sum(o.total_cents)::bigint AS total_cents
     FROM orders o
     WHERE o.placed_at >= $1::timestamptz AND o.placed_at < $2::timestamptz AND o.status_cd = ANY($3::text[])
       AND ($8::text IS NULL OR o.cust_ref = $8::text)
     GROUP BY 1, 2, 3, 4
     ORDER BY 1, array_position(ARRAY['D', 'A', 'S', 'F', 'X'], CASE WHEN $5::boolean THEN o.status_cd END), 3, 4
     LIMIT $7::int + 1`,
    [
      period.from.toISOString(),
      period.to.toISOString(),
      statuses.map((status) => CODE_BY_STATUS[status]),
      groupBy.has('MONTH'),
      groupBy.has('STATUS'),
      groupBy.has('CUSTOMER'),
      limit,
      customerId,
    ],
  );
  return rows.map((row) => ({
    month: row.month,
    status: row.status_cd === null ? null : (STATUS_BY_CODE[row.status_cd] ?? null),
    customerId: row.cust_ref,
    currency: row.currency_cd,
    orders: row.orders,
    // bigint comes back as text from the server: exact up to 2^53 cents.
    totalCents: Number(row.total_cents),
  }));
}
