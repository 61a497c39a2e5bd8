import { parseOrderKey, parseProductKey } from '../../systems/erp/keys.js';
import type { Keyset } from '../shared/connection.js';
import type { StuckRow } from './db-process.js';
import type { OrderModel, ProductModel } from './models.js';

/** The legacy integer key behind a public id the ERP itself handed out. */
function legacyKey(id: string, parse: (id: string) => number | null): number {
  const key = parse(id);
  if (key === null) throw new Error(`${id} is not an ERP id`);
  return key;
}

/**
 * Orders are listed newest first by `placed_at DESC, order_id DESC` (db-rows.ts NEWEST_FIRST).
 * The cursor carries placed_at in microseconds, the database's own precision: the millisecond
 * `placedAt` of the API would skip rows placed within the same millisecond.
 */
export const ORDERS_KEYSET: Keyset<OrderModel> = {
  list: 'erp.orders',
  parts: ['int', 'int'],
  keyOf: (order) => [order.placedAtMicros, legacyKey(order.id, parseOrderKey)],
};

/** One customer's orders, in the same order as the root list (a cursor of either list fits only its own). */
export const CUSTOMER_ORDERS_KEYSET: Keyset<OrderModel> = { ...ORDERS_KEYSET, list: 'erp.customer.orders' };

/** The catalogue, by product id. */
export const PRODUCTS_KEYSET: Keyset<ProductModel> = {
  list: 'erp.products',
  parts: ['int'],
  keyOf: (product) => [legacyKey(product.id, parseProductKey)],
};

/** Stuck processes, oldest approval first: approved_at in microseconds, then the order's key. */
export const STUCK_PROCESSES_KEYSET: Keyset<StuckRow> = {
  list: 'erp.stuckProcesses',
  parts: ['int', 'int'],
  keyOf: (row) => [row.startedAtMicros, legacyKey(row.order.id, parseOrderKey)],
};
