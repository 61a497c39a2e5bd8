import type { Queryable } from '../shared/sql.js';
import { STATUS_BY_CODE } from './db-rows.js';
import type { OrderStatus } from './models.js';

/**
 * The order changes other systems' events cause (issue 17; the handlers are events/handlers.ts),
 * inside the consumer's transaction `tx`. Each is one conditional UPDATE in the common case; only
 * when it changes nothing is the order's status read, so the handler can tell "already there"
 * from "cannot be".
 */
export type MilestoneOutcome = { changed: true } | { changed: false; status: OrderStatus | null };

async function unchanged(tx: Queryable, orderNumber: string): Promise<MilestoneOutcome> {
  const { rows } = await tx.query<{ status_cd: string }>('SELECT status_cd FROM orders WHERE order_no = $1', [orderNumber]);
  const code = rows[0]?.status_cd;
  return { changed: false, status: code === undefined ? null : (STATUS_BY_CODE[code] ?? null) };
}

/** APPROVED or SHIPPED → DELIVERED (code F) at `deliveredAt`, version + 1; any other status: unchanged. */
export async function markDelivered(tx: Queryable, orderNumber: string, deliveredAt: string): Promise<MilestoneOutcome> {
  const { rows } = await tx.query(
    `UPDATE orders AS o SET status_cd = 'F', delivered_at = $2, version = o.version + 1
     WHERE o.order_no = $1 AND o.status_cd IN ('A', 'S') RETURNING o.order_id`,
    [orderNumber, deliveredAt],
  );
  return rows.length > 0 ? { changed: true } : unchanged(tx, orderNumber);
}

/**
 * Milestones recorded from other systems' events (paid, booked, invoiced) leave `version` alone:
 * it guards what a client may change (cancelling an APPROVED order), and a client that placed an
 * order and cancels it a moment later must not get a CONFLICT because billing and the carrier were
 * quick. A status change (DELIVERED) bumps it.
 */

/** Sets `paid_at` once; an order paid before keeps its first time (unchanged). */
export async function markPaid(tx: Queryable, orderNumber: string, paidAt: string): Promise<MilestoneOutcome> {
  const { rows } = await tx.query(`UPDATE orders AS o SET paid_at = $2 WHERE o.order_no = $1 AND o.paid_at IS NULL RETURNING o.order_id`, [orderNumber, paidAt]);
  return rows.length > 0 ? { changed: true } : unchanged(tx, orderNumber);
}

/**
 * Records `shipped_at` = when the parcel was booked at the carrier, once; the status stays (a
 * booked parcel is not picked up yet: the order can still be cancelled, and logistics then
 * withdraws the parcel). An order delivered before its booking event arrived still records when it
 * was booked; a cancelled one records nothing.
 */
export async function markShipped(tx: Queryable, orderNumber: string, shippedAt: string): Promise<MilestoneOutcome> {
  const { rows } = await tx.query(
    `UPDATE orders AS o SET shipped_at = $2
     WHERE o.order_no = $1 AND o.status_cd IN ('A', 'S', 'F') AND o.shipped_at IS NULL RETURNING o.order_id`,
    [orderNumber, shippedAt],
  );
  return rows.length > 0 ? { changed: true } : unchanged(tx, orderNumber);
}

/** Sets `invoiced_at` and `payment_due_at` (the invoice's due date) once, whatever the order's status. */
export async function markInvoiced(tx: Queryable, orderNumber: string, invoicedAt: string, dueAt: string): Promise<MilestoneOutcome> {
  const { rows } = await tx.query(`UPDATE orders AS o SET invoiced_at = $2, payment_due_at = $3 WHERE o.order_no = $1 AND o.invoiced_at IS NULL RETURNING o.order_id`, [
    orderNumber,
    invoicedAt,
    dueAt,
  ]);
  return rows.length > 0 ? { changed: true } : unchanged(tx, orderNumber);
}
