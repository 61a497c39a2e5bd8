import { join } from 'node:path';
import { ERP_MIGRATION_LOCK_KEY } from '../../systems/erp/migrations.js';
import { parseOrderKey, parseProductKey } from '../../systems/erp/keys.js';
import { seedErpIfEmpty, type ErpSeedCounts } from '../../systems/erp/seed.js';
import type { Dataset } from '../../systems/seed/types.js';
import type { Page } from '../shared/connection.js';
import type { OpenedDb } from '../shared/kinds/sql.js';
import { migrate } from '../shared/migrate.js';
import { openDatabase, type Database } from '../shared/sql.js';
import type { OrderLineModel, OrderModel, OrderStatus, ProductModel } from './models.js';
import { approveOrder, type ApproveRequest } from './db-approve.js';
import { cancelOrder, type CancelRequest } from './db-cancel.js';
import { countOrders, countOrdersOfCustomers, countProducts, listOrders, listProducts, ordersOfCustomers, type OrderFilter } from './db-lists.js';
import { placeOrder, type OrderRequest } from './db-orders.js';
import { salesSummary, type SalesSummaryQuery, type SalesSummaryRowModel } from './db-summary.js';
import { stuckProcesses, type StuckQuery, type StuckRow } from './db-process.js';
import { consumerStates, type ConsumerState } from '../shared/process/steps.js';
import { ERP_DATABASE_MIGRATIONS } from './migrations.js';
import { ORDER_COLUMNS, PRODUCT_COLUMNS, toLine, toOrder, toProduct, type LineRow, type OrderRow, type ProductRow } from './db-rows.js';

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
   * Newest first, a keyset page: `page.limit + 1` rows after the cursor's key (db-lists.ts).
   * `customerId` set: only that customer's orders (a portal principal's list), same one statement.
   */
  listOrders(page: Page, filter: OrderFilter, customerId: string | null): Promise<OrderModel[]>;
  /** How many orders `listOrders` pages through with the same filter and customer. */
  countOrders(filter: OrderFilter, customerId: string | null): Promise<number>;
  /** One GROUP BY over a period's orders; `limit + 1` rows at most (see db-summary.ts). */
  salesSummary(query: SalesSummaryQuery): Promise<SalesSummaryRowModel[]>;
  /** By product id, a keyset page of `page.limit + 1` rows. */
  listProducts(page: Page): Promise<ProductModel[]>;
  countProducts(): Promise<number>;
  /** The same page of each customer's orders (newest first, `limit + 1` rows each), grouped by customer. */
  ordersOfCustomers(customerIds: readonly string[], page: Page, status: OrderStatus | null): Promise<Map<string, OrderModel[]>>;
  /** Order counts per customer, one statement for the batch; a customer without orders is absent. */
  countOrdersOfCustomers(customerIds: readonly string[], status: OrderStatus | null): Promise<Map<string, number>>;
  /**
   * Validated request → approved order with reserved stock and its `order.approved` event in the
   * outbox, in one transaction (see db-orders.ts).
   */
  createOrder(request: OrderRequest): Promise<OrderModel>;
  /** Approves a draft at the expected version, reserving its stock, with `order.approved`, in one transaction (see db-approve.ts). */
  approveOrder(request: ApproveRequest): Promise<OrderModel>;
  /** Cancels an order at the expected version and releases its stock, with `order.cancelled`, in one transaction (see db-cancel.ts). */
  cancelOrder(request: CancelRequest): Promise<OrderModel>;
  /** Orders with a fulfillment step past its due time, oldest approval first, `limit + 1` rows (db-process.ts). */
  stuckProcesses(query: StuckQuery): Promise<StuckRow[]>;
  /** The ERP consumers' state for a batch of orders (by number), one statement (shared/process/steps.ts). */
  consumerStates(orderNumbers: readonly string[], consumers: readonly string[]): Promise<Map<string, ConsumerState>>;
  ping(): Promise<void>;
  statementCount(): number;
  resetStatementCount(): void;
  close(): Promise<void>;
}

export type { OrderFilter };

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
    const migrated = await migrate(sql, ERP_DATABASE_MIGRATIONS, ERP_MIGRATION_LOCK_KEY);
    const started = Date.now();
    const seeded = await seedErpIfEmpty(sql, options.dataset);
    return { db: erpQueries(sql), kind: sql.kind, migrated, seeded, seedMs: Date.now() - started, sql };
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw error;
  }
}

/** The typed queries over an open, migrated ERP database (tests use it on a connection of their own). */
export function erpQueries(sql: Database): ErpDb {
  const orders = async (where: string, params: unknown[]) => {
    const { rows } = await sql.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders o WHERE ${where}`, params);
    return rows.map(toOrder);
  };
  const products = async (where: string, params: unknown[]) => {
    const { rows } = await sql.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE ${where}`, params);
    return rows.map(toProduct);
  };

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
    listOrders: (page, filter, customerId) => listOrders(sql, page, filter, customerId),
    countOrders: (filter, customerId) => countOrders(sql, filter, customerId),
    salesSummary: (query) => salesSummary(sql, query),
    listProducts: (page) => listProducts(sql, page),
    countProducts: () => countProducts(sql),
    ordersOfCustomers: (customerIds, page, status) => ordersOfCustomers(sql, customerIds, page, status),
    countOrdersOfCustomers: (customerIds, status) => countOrdersOfCustomers(sql, customerIds, status),
    createOrder: (request) => placeOrder(sql, request),
    approveOrder: (request) => approveOrder(sql, request),
    cancelOrder: (request) => cancelOrder(sql, request),
    stuckProcesses: (query) => stuckProcesses(sql, query),
    consumerStates: (orderNumbers, consumers) => consumerStates(sql, orderNumbers, consumers),
    async ping() {
      await sql.ping();
    },
    statementCount: () => sql.statementCount(),
    resetStatementCount: () => sql.resetStatementCount(),
    close: () => sql.close(),
  };
}
