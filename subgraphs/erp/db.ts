import { join } from 'node:path';
import { ERP_MIGRATIONS, ERP_MIGRATION_LOCK_KEY } from '../../systems/erp/migrations.js';
import { parseOrderKey, parseProductKey } from '../../systems/erp/keys.js';
import { seedErpIfEmpty, type ErpSeedCounts } from '../../systems/erp/seed.js';
import type { Dataset } from '../../systems/seed/types.js';
import type { Page } from '../shared/connection.js';
import type { OpenedDb } from '../shared/kinds/sql.js';
import { migrate } from '../shared/migrate.js';
import { openDatabase, type Database } from '../shared/sql.js';
import type { OrderLineModel, OrderModel, OrderStatus, ProductModel } from './models.js';
import { placeOrder, type OrderRequest } from './db-orders.js';
import { salesSummary, type SalesSummaryQuery, type SalesSummaryRowModel } from './db-summary.js';
import { CODE_BY_STATUS, NEWEST_FIRST, ORDER_COLUMNS, PRODUCT_COLUMNS, toLine, toOrder, toProduct, type LineRow, type OrderRow, type ProductRow } from './db-rows.js';

/**
 * The erp subgraph's one seam to the ERP database: opening, migrating and seeding it, and every
 * typed query. Legacy names and codes stop here (status_cd 'F' → DELIVERED, cents stay integers
 * until a resolver formats Money). Every read takes a whole batch of keys: one statement.
 */
export interface ErpDb {
  ordersByIds(ids: readonly string[]): Promise<OrderModel[]>;
  ordersByNumbers(numbers: readonly string[]): Promise<OrderModel[]>;
  linesByOrderIds(orderIds: readonly string[]): Promise<OrderLineModel[]>;
  productsByIds(ids: readonly string[]): Promise<ProductModel[]>;
  productsBySkus(skus: readonly string[]): Promise<ProductModel[]>;
  /**
   * Newest first; `page.limit + 1` rows so the caller can tell whether there is a next page.
   * `customerId` set: only that customer's orders (a portal principal's list), same one statement.
   */
  listOrders(page: Page, filter: OrderFilter, customerId: string | null): Promise<OrderModel[]>;
  /** One GROUP BY over a period's orders; `limit + 1` rows at most (see db-summary.ts). */
  salesSummary(query: SalesSummaryQuery): Promise<SalesSummaryRowModel[]>;
  listProducts(page: Page): Promise<ProductModel[]>;
  /** The same page of each customer's orders (newest first, `limit + 1` rows each), grouped by customer. */
  ordersOfCustomers(customerIds: readonly string[], page: Page, status: OrderStatus | null): Promise<Map<string, OrderModel[]>>;
  /** Validated request → approved order with reserved stock, in one transaction (see db-orders.ts). */
  createOrder(request: OrderRequest): Promise<OrderModel>;
  ping(): Promise<void>;
  statementCount(): number;
  resetStatementCount(): void;
  close(): Promise<void>;
}

/** What the root order list is narrowed to. */
export interface OrderFilter {
  status: OrderStatus | null;
  /** Placed at or after (inclusive). */
  placedAfter: Date | null;
  /** Placed before (exclusive). */
  placedBefore: Date | null;
}

export interface ErpDbOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  statementTimeoutMs: number;
  dataset: Dataset;
}

/** The typed queries and what the start found (migrations applied, rows seeded). */
export type OpenedErpDb = OpenedDb<ErpDb, ErpSeedCounts>;

/** Public ids → legacy integer keys; ids that cannot exist are dropped (they resolve to null). */
function keysOf(ids: readonly string[], parse: (id: string) => number | null): number[] {
  return ids.map(parse).filter((n): n is number => n !== null);
}

export async function openErpDb(options: ErpDbOptions): Promise<OpenedErpDb> {
  const sql = await openDatabase({
    url: options.databaseUrl,
    dataDir: join(options.dataDir, 'erp', 'pgdata'),
    statementTimeoutMs: options.statementTimeoutMs,
  });
  try {
    const migrated = await migrate(sql, ERP_MIGRATIONS, ERP_MIGRATION_LOCK_KEY);
    const started = Date.now();
    const seeded = await seedErpIfEmpty(sql, options.dataset);
    return { db: erpQueries(sql), kind: sql.kind, migrated, seeded, seedMs: Date.now() - started };
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw error;
  }
}

function erpQueries(sql: Database): ErpDb {
  const orders = async (where: string, params: unknown[]) => {
    const { rows } = await sql.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders o WHERE ${where}`, params);
    return rows.map(toOrder);
  };
  const products = async (where: string, params: unknown[]) => {
    const { rows } = await sql.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE ${where}`, params);
    return rows.map(toProduct);
  };
  const statusFilter = (status: OrderStatus | null, param: string) => (status ? `o.status_cd = ${param}` : 'TRUE');
  const statusParams = (status: OrderStatus | null) => (status ? [CODE_BY_STATUS[status]] : []);

  return {
    async ordersByIds(ids) {
      const keys = keysOf(ids, parseOrderKey);
      return keys.length === 0 ? [] : orders('o.order_id = ANY($1::int[])', [keys]);
    },
    ordersByNumbers: (numbers) => orders('o.order_no = ANY($1::text[])', [numbers]),
    async linesByOrderIds(orderIds) {
      const keys = keysOf(orderIds, parseOrderKey);
      if (keys.length === 0) return [];
      const { rows } = await sql.query<LineRow>(
        `SELECT l.order_id, l.line_no, l.product_id, l.qty, l.unit_price_cents, o.currency_cd
         FROM order_lines l JOIN orders o ON o.order_id = l.order_id
         WHERE l.order_id = ANY($1::int[]) ORDER BY l.order_id, l.line_no`,
        [keys],
      );
      return rows.map(toLine);
    },
    async productsByIds(ids) {
      const keys = keysOf(ids, parseProductKey);
      return keys.length === 0 ? [] : products('p.product_id = ANY($1::int[])', [keys]);
    },
    productsBySkus: (skus) => products('p.sku = ANY($1::text[])', [skus]),
    async listOrders(page, filter, customerId) {
      const params: unknown[] = [page.limit + 1, page.offset, ...statusParams(filter.status)];
      // Spelled out (not `$n IS NULL OR …`) so the planner can use the (cust_ref, placed_at) index.
      const ownerFilter = customerId === null ? 'TRUE' : `o.cust_ref = $${params.push(customerId)}::text`;
      const after = filter.placedAfter === null ? 'TRUE' : `o.placed_at >= $${params.push(filter.placedAfter.toISOString())}::timestamptz`;
      const before = filter.placedBefore === null ? 'TRUE' : `o.placed_at < $${params.push(filter.placedBefore.toISOString())}::timestamptz`;
      const { rows } = await sql.query<OrderRow>(
        `SELECT ${ORDER_COLUMNS} FROM orders o WHERE ${statusFilter(filter.status, '$3')} AND ${ownerFilter} AND ${after} AND ${before}
         ORDER BY ${NEWEST_FIRST} LIMIT $1 OFFSET $2`,
        params,
      );
      return rows.map(toOrder);
    },
    salesSummary: (query) => salesSummary(sql, query),
    async listProducts(page) {
      const { rows } = await sql.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products p ORDER BY p.product_id LIMIT $1 OFFSET $2`, [page.limit + 1, page.offset]);
      return rows.map(toProduct);
    },
    async ordersOfCustomers(customerIds, page, status) {
      // One statement for every customer in the batch: rank each customer's orders, keep one page.
      const { rows } = await sql.query<OrderRow & { rn: number }>(
        `SELECT * FROM (
           SELECT ${ORDER_COLUMNS}, row_number() OVER (PARTITION BY o.cust_ref ORDER BY ${NEWEST_FIRST}) AS rn
           FROM orders o WHERE o.cust_ref = ANY($1::text[]) AND ${statusFilter(status, '$4')}
         ) ranked
         WHERE rn > $2 AND rn <= $2 + $3 ORDER BY cust_ref, rn`,
        [customerIds, page.offset, page.limit + 1, ...statusParams(status)],
      );
      const grouped = new Map<string, OrderModel[]>();
      for (const row of rows) {
        const list = grouped.get(row.cust_ref) ?? [];
        list.push(toOrder(row));
        grouped.set(row.cust_ref, list);
      }
      return grouped;
    },
    createOrder: (request) => placeOrder(sql, request),
    async ping() {
      await sql.ping();
    },
    statementCount: () => sql.statementCount(),
    resetStatementCount: () => sql.resetStatementCount(),
    close: () => sql.close(),
  };
}
