import { badInput, subgraphError } from '../shared/errors.js';
import type { Database, Queryable } from '../shared/sql.js';
import { requestFingerprint } from '../shared/write-input.js';
import { ORDER_COLUMNS, toOrder, type OrderRow } from './db-rows.js';
import { reserveStock } from './db-stock.js';
import { recordOrderApproved } from './events/order-events.js';
import type { OrderModel } from './models.js';
import { ORIGIN } from './origin.js';

/**
 * Order creation against the ERP tables: the write half of db.ts (split only to keep files
 * short; nothing else in the subgraph knows SQL). The request has already been validated.
 */
export interface OrderRequest {
  idempotencyKey: string;
  customerId: string;
  currency: string;
  lines: ReadonlyArray<{ sku: string; quantity: number }>;
}

/** What makes two requests "the same" for a replay: everything but the key, in line order. */
function orderFingerprint(request: OrderRequest): string {
  return requestFingerprint([request.customerId, request.currency, request.lines.map((line) => [line.sku, line.quantity])]);
}

type KeyedOrderRow = OrderRow & { request_fingerprint: string | null };

async function findByKey(sql: Queryable, idempotencyKey: string): Promise<KeyedOrderRow | undefined> {
  const { rows } = await sql.query<KeyedOrderRow>(`SELECT ${ORDER_COLUMNS}, o.request_fingerprint FROM orders o WHERE o.idempotency_key = $1`, [idempotencyKey]);
  return rows[0];
}

/** A replay answers the first order; the same key on a different request is a client bug. */
function replay(existing: KeyedOrderRow, fingerprint: string): OrderModel {
  if (existing.request_fingerprint?.trim() !== fingerprint) {
    throw subgraphError('CONFLICT', 'idempotencyKey was already used for a different order request', ORIGIN, {
      field: 'input.idempotencyKey',
    });
  }
  return toOrder(existing);
}

function isIdempotencyKeyViolation(error: unknown): boolean {
  const { code, constraint, message } = error as { code?: string; constraint?: string; message?: string };
  return code === '23505' && (constraint === 'orders_idempotency_key_key' || Boolean(message?.includes('orders_idempotency_key_key')));
}

interface ProductPriceRow {
  product_id: number;
  sku: string;
  list_price_cents: number;
}

async function insertOrder(tx: Queryable, request: OrderRequest, fingerprint: string): Promise<OrderModel> {
  const existing = await findByKey(tx, request.idempotencyKey);
  if (existing) return replay(existing, fingerprint);

  // Lock the products in key order, so concurrent orders on overlapping products queue, never deadlock.
  const { rows: found } = await tx.query<ProductPriceRow>('SELECT product_id, sku, list_price_cents FROM products WHERE sku = ANY($1::text[]) ORDER BY product_id FOR UPDATE', [
    request.lines.map((line) => line.sku),
  ]);
  const bySku = new Map(found.map((row) => [row.sku, row]));
  const lines = request.lines.map((line, index) => {
    const product = bySku.get(line.sku);
    if (!product) throw badInput(ORIGIN, `input.lines.${index}.sku`, `Unknown SKU ${line.sku}`);
    return { ...line, product };
  });

  // The reservation is conditional: a line without enough stock updates nothing, and the
  // error below rolls back the lines that did reserve. One line per SKU (validated).
  const reservedIds = await reserveStock(
    tx,
    lines.map((line) => ({ productId: line.product.product_id, quantity: line.quantity })),
  );
  const short = lines.findIndex((line) => !reservedIds.has(line.product.product_id));
  if (short >= 0) {
    const sku = lines[short]!.sku;
    throw subgraphError('INSUFFICIENT_STOCK', `Not enough stock for ${sku}`, ORIGIN, { field: `input.lines.${short}.quantity`, sku });
  }

  const totalCents = lines.reduce((sum, line) => sum + line.quantity * line.product.list_price_cents, 0);
  const { rows } = await tx.query<OrderRow>(
    `INSERT INTO orders AS o (order_no, cust_ref, status_cd, placed_at, approved_at, currency_cd, total_cents, idempotency_key, request_fingerprint)
     VALUES ('SO-' || nextval('order_no_seq'), $1, 'A', now(), now(), $2, $3, $4, $5)
     RETURNING ${ORDER_COLUMNS}`,
    [request.customerId, request.currency, totalCents, request.idempotencyKey, fingerprint],
  );
  const order = rows[0]!;
  await tx.query(
    `INSERT INTO order_lines (order_id, line_no, product_id, qty, unit_price_cents)
     SELECT $1::int, * FROM unnest($2::int[], $3::int[], $4::int[], $5::int[])`,
    [
      order.order_id,
      lines.map((_, index) => index + 1),
      lines.map((line) => line.product.product_id),
      lines.map((line) => line.quantity),
      lines.map((line) => line.product.list_price_cents),
    ],
  );
  const approved = toOrder(order);
  await recordOrderApproved(
    tx,
    approved,
    lines.map((line) => ({ sku: line.sku, quantity: line.quantity, unitPriceCents: line.product.list_price_cents })),
  );
  return approved;
}

/**
 * One transaction: idempotency lookup, SKU resolution, stock reservation, order and lines, and
 * the `order.approved` event in the outbox (a replay writes none: the first order's was written).
 * Two concurrent requests with one key both pass the lookup on a server; the loser's insert
 * hits the unique key, its transaction rolls back (stock included), and it answers the winner.
 */
export async function placeOrder(sql: Database, request: OrderRequest): Promise<OrderModel> {
  const fingerprint = orderFingerprint(request);
  try {
    return await sql.transaction((tx) => insertOrder(tx, request, fingerprint));
  } catch (error) {
    if (!isIdempotencyKeyViolation(error)) throw error;
    const winner = await findByKey(sql, request.idempotencyKey);
    if (!winner) throw error;
    return replay(winner, fingerprint);
  }
}
