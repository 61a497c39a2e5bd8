import type { Queryable } from '../../../common/contracts/sql.js';
import type { BusinessEvent } from './envelope.js';

/**
 * What a system consuming both `order.approved` and `order.cancelled` keeps so the two commute.
 * Its handlers are separate consumers (on JetStream, separate durable consumers), so an order's
 * cancellation can be applied before its approval; without a record of it, the late approval
 * would then invoice or ship a cancelled order (seen under a broker outage: 17 of 20 cancelled
 * orders kept an open invoice). The cancellation handler records the order here; the approval
 * handler, holding the same per-order lock, finds it and does nothing.
 *
 * Frozen once shipped, like the other event tables: a change is a new migration.
 */
export const CANCELLED_ORDERS_V1 = `
  CREATE TABLE cancelled_orders (
    order_number text PRIMARY KEY,
    cancelled_at timestamptz NOT NULL,
    event_id uuid NOT NULL
  );
`;

/**
 * Serializes this system's writes of one order (event handlers, and billing's issueInvoice) until `tx` ends (a transaction-scoped advisory
 * lock, re-entrant within it). On PGlite, which runs one transaction at a time, it costs a statement.
 */
export async function lockOrderIn(tx: Queryable, lockKey: number, orderNumber: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2::text))', [lockKey, `order:${orderNumber}`]);
}

/** Records the order of an `order.cancelled` event as cancelled (again is a no-op). Call with the order locked. */
export async function recordCancelledOrderIn(tx: Queryable, orderNumber: string, event: BusinessEvent): Promise<void> {
  const { cancelledAt } = event.payload;
  await tx.query('INSERT INTO cancelled_orders (order_number, cancelled_at, event_id) VALUES ($1, $2, $3) ON CONFLICT (order_number) DO NOTHING', [
    orderNumber,
    typeof cancelledAt === 'string' ? cancelledAt : event.occurredAt,
    event.id,
  ]);
}

/** Whether the order's cancellation was applied here already. Call with the order locked. */
export async function isCancelledOrderIn(tx: Queryable, orderNumber: string): Promise<boolean> {
  const { rows } = await tx.query('SELECT 1 FROM cancelled_orders WHERE order_number = $1', [orderNumber]);
  return rows.length > 0;
}
