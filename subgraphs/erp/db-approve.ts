import { subgraphError } from '../shared/errors.js';
import type { Database, Queryable } from '../shared/sql.js';
import { checkVersion, lockOrder, STALE_VERSION } from './db-order-lock.js';
import { ORDER_COLUMNS, STATUS_BY_CODE, toOrder, type OrderRow } from './db-rows.js';
import { reserveStock } from './db-stock.js';
import { recordOrderApproved } from './events/order-events.js';
import type { OrderModel } from './models.js';
import { ORIGIN } from './origin.js';

/**
 * Approval of a DRAFT order against the ERP tables (issue 17): the draft reserves its stock the
 * way createOrder does, becomes APPROVED, and `order.approved` goes to the outbox, all in one
 * transaction. Built like cancellation (db-cancel.ts): row lock, owner, status, version.
 */
export interface ApproveRequest {
  number: string;
  expectedVersion: number;
  /** The row-level rule, applied to the locked order before anything changes (throws FORBIDDEN). */
  authorize(order: OrderModel): void;
}

/** Stable values of `extensions.reason` on approveOrder's CONFLICT. */
export const APPROVE_CONFLICT = {
  staleVersion: STALE_VERSION,
  /** APPROVED, SHIPPED or DELIVERED: approved before. */
  alreadyApproved: 'ALREADY_APPROVED',
  alreadyCancelled: 'ALREADY_CANCELLED',
  /** A legacy draft without lines: nothing to reserve, ship or invoice. */
  noLines: 'NO_LINES',
} as const;

interface DraftLineRow {
  line_no: number;
  product_id: number;
  sku: string;
  qty: number;
  unit_price_cents: number;
}

function refuseState(row: OrderRow): void {
  if (row.status_cd === 'D') return;
  const status = STATUS_BY_CODE[row.status_cd] ?? row.status_cd;
  const reason = row.status_cd === 'X' ? APPROVE_CONFLICT.alreadyCancelled : APPROVE_CONFLICT.alreadyApproved;
  throw subgraphError('CONFLICT', `Order ${row.order_no} is ${status}; only a DRAFT order can be approved`, ORIGIN, { field: 'number', reason, status });
}

/**
 * The draft's lines with their SKUs, in line order, locking their products in product id order
 * (as createOrder does) so concurrent reservations on overlapping products queue, never deadlock.
 */
async function linesLockingProducts(tx: Queryable, orderId: number): Promise<DraftLineRow[]> {
  const { rows } = await tx.query<DraftLineRow>(
    `SELECT l.line_no, l.product_id, p.sku, l.qty, l.unit_price_cents
     FROM order_lines l JOIN products p ON p.product_id = l.product_id
     WHERE l.order_id = $1 ORDER BY p.product_id, l.line_no FOR UPDATE OF p`,
    [orderId],
  );
  return rows.sort((a, b) => a.line_no - b.line_no);
}

/** Reserves every line's units (summed per product); INSUFFICIENT_STOCK names the first short line. */
async function reserveLines(tx: Queryable, number: string, lines: readonly DraftLineRow[]): Promise<void> {
  const units = new Map<number, number>();
  for (const line of lines) units.set(line.product_id, (units.get(line.product_id) ?? 0) + line.qty);
  const reserved = await reserveStock(
    tx,
    [...units].map(([productId, quantity]) => ({ productId, quantity })),
  );
  const short = lines.find((line) => !reserved.has(line.product_id));
  if (short) {
    // Thrown inside the transaction: the lines that did reserve roll back with it.
    throw subgraphError('INSUFFICIENT_STOCK', `Not enough stock for ${short.sku} to approve order ${number}`, ORIGIN, { sku: short.sku, lineNumber: short.line_no });
  }
}

async function approveLocked(tx: Queryable, request: ApproveRequest): Promise<OrderModel> {
  const row = await lockOrder(tx, request.number);
  if (!row) throw subgraphError('NOT_FOUND', `No order ${request.number}`, ORIGIN, { field: 'number' });
  request.authorize(toOrder(row));
  refuseState(row);
  checkVersion(row, request.expectedVersion);
  const lines = await linesLockingProducts(tx, row.order_id);
  if (lines.length === 0) {
    throw subgraphError('CONFLICT', `Order ${row.order_no} has no lines to approve`, ORIGIN, { field: 'number', reason: APPROVE_CONFLICT.noLines });
  }
  await reserveLines(tx, row.order_no, lines);
  const { rows } = await tx.query<OrderRow>(
    `UPDATE orders AS o SET status_cd = 'A', approved_at = now(), version = o.version + 1 WHERE o.order_id = $1 RETURNING ${ORDER_COLUMNS}`,
    [row.order_id],
  );
  const approved = toOrder(rows[0]!);
  await recordOrderApproved(
    tx,
    approved,
    lines.map((line) => ({ sku: line.sku, quantity: line.qty, unitPriceCents: line.unit_price_cents })),
  );
  return approved;
}

/** One transaction: lock, check owner, status and version, reserve the lines' stock, approve, record `order.approved`. */
export function approveOrder(sql: Database, request: ApproveRequest): Promise<OrderModel> {
  return sql.transaction((tx) => approveLocked(tx, request));
}
