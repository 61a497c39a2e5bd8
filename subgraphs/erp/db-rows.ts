import { orderKey, productKey } from '../../systems/erp/keys.js';
import type { OrderLineModel, OrderModel, OrderStatus, ProductModel } from './models.js';

/**
 * The legacy ERP row shapes and their mapping to the subgraph's models (status codes → enums,
 * integer keys → public ids). Used by db.ts and db-orders.ts only.
 */
export const STATUS_BY_CODE: Record<string, OrderStatus> = { D: 'DRAFT', A: 'APPROVED', S: 'SHIPPED', F: 'DELIVERED', X: 'CANCELLED' };
export const CODE_BY_STATUS: Record<OrderStatus, string> = { DRAFT: 'D', APPROVED: 'A', SHIPPED: 'S', DELIVERED: 'F', CANCELLED: 'X' };

export const ORDER_COLUMNS =
  'o.order_id, o.order_no, o.cust_ref, o.status_cd, o.placed_at, (extract(epoch FROM o.placed_at) * 1000000)::bigint AS placed_us, o.currency_cd, o.total_cents, o.version, o.approved_at, o.invoiced_at, o.payment_due_at, o.shipped_at, o.delivered_at, o.paid_at, o.cancelled_at';
export const PRODUCT_COLUMNS = 'p.product_id, p.sku, p.descr, p.list_price_cents, p.list_currency_cd, p.qty_on_hand';
/** Newest first, with the surrogate key as tie-breaker so pages never overlap. */
export const NEWEST_FIRST = 'o.placed_at DESC, o.order_id DESC';
/**
 * Rows after a keyset cursor's (placed_at in microseconds, order_id) in NEWEST_FIRST order, as a
 * row comparison the (…, placed_at DESC, order_id DESC) indexes serve. The microseconds go back
 * to a timestamptz through an interval: exact, unlike a round trip through the ISO string.
 */
export const placedBefore = (microsParam: string, idParam: string) =>
  `(o.placed_at, o.order_id) < (timestamptz 'epoch' + ${microsParam}::bigint * interval '1 microsecond', ${idParam}::int)`;

export interface OrderRow {
  order_id: number;
  order_no: string;
  cust_ref: string;
  status_cd: string;
  placed_at: Date | string;
  /** bigint: a string from pg, a bigint from PGlite. */
  placed_us: string | bigint | number;
  currency_cd: string;
  total_cents: number;
  version: number;
  approved_at: Date | string | null;
  invoiced_at: Date | string | null;
  payment_due_at: Date | string | null;
  shipped_at: Date | string | null;
  delivered_at: Date | string | null;
  paid_at: Date | string | null;
  cancelled_at: Date | string | null;
}
export interface ProductRow {
  product_id: number;
  sku: string;
  descr: string;
  list_price_cents: number;
  list_currency_cd: string;
  qty_on_hand: number;
}
export interface LineRow {
  order_id: number;
  line_no: number;
  product_id: number;
  qty: number;
  unit_price_cents: number;
  currency_cd: string;
}

const isoOrNull = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

export function toOrder(row: OrderRow): OrderModel {
  const status = STATUS_BY_CODE[row.status_cd];
  if (!status) throw new Error(`orders.status_cd '${row.status_cd}' of order ${row.order_no} is not a known code`);
  return {
    id: orderKey(row.order_id),
    number: row.order_no,
    status,
    placedAt: new Date(row.placed_at).toISOString(),
    placedAtMicros: Number(row.placed_us),
    customerId: row.cust_ref,
    currency: row.currency_cd,
    totalCents: Number(row.total_cents),
    version: Number(row.version),
    approvedAt: isoOrNull(row.approved_at),
    invoicedAt: isoOrNull(row.invoiced_at),
    paymentDueAt: isoOrNull(row.payment_due_at),
    shippedAt: isoOrNull(row.shipped_at),
    deliveredAt: isoOrNull(row.delivered_at),
    paidAt: isoOrNull(row.paid_at),
    cancelledAt: isoOrNull(row.cancelled_at),
  };
}

export function toProduct(row: ProductRow): ProductModel {
  return {
    id: productKey(row.product_id),
    sku: row.sku,
    name: row.descr,
    priceCents: row.list_price_cents,
    currency: row.list_currency_cd,
    stock: row.qty_on_hand,
  };
}

export function toLine(row: LineRow): OrderLineModel {
  return {
    orderId: orderKey(row.order_id),
    lineNumber: row.line_no,
    productId: productKey(row.product_id),
    quantity: row.qty,
    unitPriceCents: row.unit_price_cents,
    currency: row.currency_cd,
  };
}
