import { subgraphError } from '../shared/errors.js';
import type { Database, Queryable } from '../shared/sql.js';
import { checkVersion, lockOrder, STALE_VERSION } from './db-order-lock.js';
import { ORDER_COLUMNS, STATUS_BY_CODE, toOrder, type OrderRow } from './db-rows.js';
import { recordOrderCancelled } from './events/order-events.js';
import type { OrderModel } from './models.js';
import { ORIGIN } from './origin.js';

/**
 * Order cancellation against the ERP tables (split from db-orders.ts to keep files short).
 * `extensions.reason` tells apart the CONFLICTs a client handles differently: a stale version
 * (read the order again, then decide) and a status no cancellation can leave (give up).
 */
export interface CancelRequest {
  number: string;
  expectedVersion: number;
  /**
   * The row-level rule, applied to the locked order before anything changes (throws FORBIDDEN
   * for another customer's order); the owner is known only after loading.
   */
  authorize(order: OrderModel): void;
}

/** Stable values of `extensions.reason` on cancelOrder's CONFLICT. */
export const CANCEL_CONFLICT = {
  staleVersion: STALE_VERSION,
  alreadyCancelled: 'ALREADY_CANCELLED',
  alreadyShipped: 'ALREADY_SHIPPED',
} as const;

/** Codes a cancellation may leave: D (never reserved stock) and A (reserved stock to release). */
const CANCELLABLE = new Set(['D', 'A']);

function refuseState(row: OrderRow): void {
  if (CANCELLABLE.has(row.status_cd)) return;
  const status = STATUS_BY_CODE[row.status_cd] ?? row.status_cd;
  const reason = row.status_cd === 'X' ? CANCEL_CONFLICT.alreadyCancelled : CANCEL_CONFLICT.alreadyShipped;
  throw subgraphError('CONFLICT', `Order ${row.order_no} is ${status} and can no longer be cancelled`, ORIGIN, { field: 'number', reason, status });
}

async function cancelLocked(tx: Queryable, request: CancelRequest): Promise<OrderModel> {
  const row = await lockOrder(tx, request.number);
  if (!row) throw subgraphError('NOT_FOUND', `No order ${request.number}`, ORIGIN, { field: 'number' });
  request.authorize(toOrder(row));
  refuseState(row);
  checkVersion(row, request.expectedVersion);
  // Only an approved order holds a reservation (createOrder reserves on approval); a draft never did.
  if (row.status_cd === 'A') {
    await tx.query(
      `UPDATE products p SET qty_on_hand = p.qty_on_hand + l.qty
       FROM (SELECT product_id, sum(qty)::int AS qty FROM order_lines WHERE order_id = $1 GROUP BY product_id) l
       WHERE p.product_id = l.product_id`,
      [row.order_id],
    );
  }
  const { rows } = await tx.query<OrderRow & { cancelled_at: Date | string }>(
    `UPDATE orders AS o SET status_cd = 'X', cancelled_at = now(), version = o.version + 1 WHERE o.order_id = $1 RETURNING ${ORDER_COLUMNS}`,
    [row.order_id],
  );
  const cancelled = rows[0]!;
  await recordOrderCancelled(tx, {
    orderNumber: cancelled.order_no,
    customerId: cancelled.cust_ref,
    cancelledAt: new Date(cancelled.cancelled_at).toISOString(),
    previousStatus: row.status_cd === 'A' ? 'APPROVED' : 'DRAFT',
  });
  return toOrder(cancelled);
}

/**
 * One transaction: lock the order row (a concurrent cancel or change waits, then sees the new
 * version), check owner, status and version, release the reserved stock, mark it cancelled, and
 * write `order.cancelled` to the outbox.
 */
export function cancelOrder(sql: Database, request: CancelRequest): Promise<OrderModel> {
  return sql.transaction((tx) => cancelLocked(tx, request));
}
