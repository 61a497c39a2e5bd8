import type { Page } from '../shared/connection.js';
import type { Queryable } from '../shared/sql.js';
import { CODE_BY_STATUS, NEWEST_FIRST, ORDER_COLUMNS, PRODUCT_COLUMNS, placedBefore, toOrder, toProduct, type OrderRow, type ProductRow } from './db-rows.js';
import type { OrderModel, OrderStatus, ProductModel } from './models.js';

/**
 * The ERP's paged lists and their counts: the list half of db.ts (split only to keep files
 * short). Every page is a keyset page: rows strictly after the cursor's key in the list's order,
 * `limit + 1` of them so the caller can tell whether another page follows.
 */

/** What the root order list is narrowed to. */
export interface OrderFilter {
  status: OrderStatus | null;
  /** Placed at or after (inclusive). */
  placedAfter: Date | null;
  /** Placed before (exclusive). */
  placedBefore: Date | null;
}

/**
 * The WHERE clause of the root order list (without the cursor), its parameters appended to
 * `params`. Spelled out (not `$n IS NULL OR …`) so the planner can use the (cust_ref, placed_at)
 * and (placed_at) indexes.
 */
function orderListWhere(filter: OrderFilter, customerId: string | null, params: unknown[]): string {
  const conditions = ['TRUE'];
  if (filter.status) conditions.push(`o.status_cd = $${params.push(CODE_BY_STATUS[filter.status])}`);
  if (customerId !== null) conditions.push(`o.cust_ref = $${params.push(customerId)}::text`);
  if (filter.placedAfter) conditions.push(`o.placed_at >= $${params.push(filter.placedAfter.toISOString())}::timestamptz`);
  if (filter.placedBefore) conditions.push(`o.placed_at < $${params.push(filter.placedBefore.toISOString())}::timestamptz`);
  return conditions.join(' AND ');
}

/** The cursor's condition (TRUE on a first page), its parameters appended to `params`. */
function afterOrder(page: Page, params: unknown[]): string {
  if (page.after === null) return 'TRUE';
  const [micros, orderId] = page.after;
  return placedBefore(`$${params.push(micros)}`, `$${params.push(orderId)}`);
}

export async function listOrders(sql: Queryable, page: Page, filter: OrderFilter, customerId: string | null): Promise<OrderModel[]> {
  const params: unknown[] = [page.limit + 1];
  const where = orderListWhere(filter, customerId, params);
  const { rows } = await sql.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders o WHERE ${where} AND ${afterOrder(page, params)} ORDER BY ${NEWEST_FIRST} LIMIT $1`, params);
  return rows.map(toOrder);
}

/** How many orders the root list holds with these filters, whatever the page. */
export async function countOrders(sql: Queryable, filter: OrderFilter, customerId: string | null): Promise<number> {
  const params: unknown[] = [];
  const { rows } = await sql.query<{ n: string | number }>(`SELECT count(*) AS n FROM orders o WHERE ${orderListWhere(filter, customerId, params)}`, params);
  return Number(rows[0]?.n ?? 0);
}

/** The same page of each customer's orders (newest first, `limit + 1` rows each), grouped by customer. */
export async function ordersOfCustomers(sql: Queryable, customerIds: readonly string[], page: Page, status: OrderStatus | null): Promise<Map<string, OrderModel[]>> {
  const params: unknown[] = [customerIds, page.limit + 1];
  const statusFilter = status ? `o.status_cd = $${params.push(CODE_BY_STATUS[status])}` : 'TRUE';
  // One statement for every customer in the batch: rank each customer's orders after the cursor, keep one page.
  const { rows } = await sql.query<OrderRow & { rn: number }>(
    `SELECT * FROM (
       SELECT ${ORDER_COLUMNS}, row_number() OVER (PARTITION BY o.cust_ref ORDER BY ${NEWEST_FIRST}) AS rn
       FROM orders o WHERE o.cust_ref = ANY($1::text[]) AND ${statusFilter} AND ${afterOrder(page, params)}
     ) ranked
     WHERE rn <= $2 ORDER BY cust_ref, rn`,
    params,
  );
  const grouped = new Map<string, OrderModel[]>();
  for (const row of rows) {
    const list = grouped.get(row.cust_ref) ?? [];
    list.push(toOrder(row));
    grouped.set(row.cust_ref, list);
  }
  return grouped;
}

/** How many orders each customer has (in `status` when set); customers without any are absent. */
export async function countOrdersOfCustomers(sql: Queryable, customerIds: readonly string[], status: OrderStatus | null): Promise<Map<string, number>> {
  const params: unknown[] = [customerIds];
  const statusFilter = status ? `o.status_cd = $${params.push(CODE_BY_STATUS[status])}` : 'TRUE';
  const { rows } = await sql.query<{ cust_ref: string; n: string | number }>(
    `SELECT o.cust_ref, count(*) AS n FROM orders o WHERE o.cust_ref = ANY($1::text[]) AND ${statusFilter} GROUP BY o.cust_ref`,
    params,
  );
  return new Map(rows.map((row) => [row.cust_ref, Number(row.n)]));
}

export async function listProducts(sql: Queryable, page: Page): Promise<ProductModel[]> {
  const after = page.after === null ? 0 : page.after[0];
  const { rows } = await sql.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE p.product_id > $2::int ORDER BY p.product_id LIMIT $1`, [page.limit + 1, after]);
  return rows.map(toProduct);
}

export async function countProducts(sql: Queryable): Promise<number> {
  const { rows } = await sql.query<{ n: string | number }>('SELECT count(*) AS n FROM products');
  return Number(rows[0]?.n ?? 0);
}
