import type { Page } from '../shared/connection.js';
import type { ProcessSlos } from '../shared/process/slo.js';
import type { Queryable } from '../shared/sql.js';
import { ORDER_COLUMNS, toOrder, type OrderRow } from './db-rows.js';
import type { StuckProcessModel, StuckStep } from './models.js';

/**
 * The ERP's half of the process view (issue 17): which orders have a fulfillment step past its
 * due time, from the ERP's own milestones (approved_at, invoiced_at, payment_due_at, shipped_at,
 * delivered_at, paid_at), which billing's and logistics' events keep. The ERP answers alone: no
 * call to another system, one statement per page.
 */
export interface StuckQuery {
  /** Only processes (orders) approved at or before this instant. */
  startedBefore: Date;
  now: Date;
  slos: ProcessSlos;
  page: Page;
  /** A portal principal's customer: only that customer's orders. */
  customerId: string | null;
}

/** A stuck process row: the order, its approval in microseconds (the cursor) and which steps are late. */
export interface StuckRow extends StuckProcessModel {
  startedAtMicros: number;
}

interface Row extends OrderRow {
  approved_us: string | bigint | number;
  late_invoice: boolean;
  late_shipment: boolean;
  late_delivery: boolean;
  late_payment: boolean;
}

const ms = (param: string) => `${param}::bigint * interval '1 millisecond'`;

/** Oldest approval first, `limit + 1` rows after the cursor's (approved_at µs, order_id). */
export async function stuckProcesses(sql: Queryable, query: StuckQuery): Promise<StuckRow[]> {
  const { slos } = query;
  const params: unknown[] = [query.now.toISOString(), query.startedBefore.toISOString(), slos.invoice, slos.shipment, slos.delivery, slos.payment];
  const conditions = [`o.status_cd IN ('A', 'S', 'F')`, `o.approved_at <= $2::timestamptz`];
  if (query.customerId !== null) conditions.push(`o.cust_ref = $${params.push(query.customerId)}::text`);
  if (query.page.after !== null) {
    const [micros, orderId] = query.page.after;
    conditions.push(`(o.approved_at, o.order_id) > (timestamptz 'epoch' + $${params.push(micros)}::bigint * interval '1 microsecond', $${params.push(orderId)}::int)`);
  }
  const { rows } = await sql.query<Row>(
    `SELECT ${ORDER_COLUMNS}, (extract(epoch FROM o.approved_at) * 1000000)::bigint AS approved_us, late.*
     FROM orders o
     CROSS JOIN LATERAL (SELECT
       o.invoiced_at IS NULL AND o.approved_at + ${ms('$3')} < $1::timestamptz AS late_invoice,
       o.shipped_at IS NULL AND o.delivered_at IS NULL AND o.approved_at + ${ms('$4')} < $1::timestamptz AS late_shipment,
       o.delivered_at IS NULL AND o.shipped_at IS NOT NULL AND o.shipped_at + ${ms('$5')} < $1::timestamptz AS late_delivery,
       o.paid_at IS NULL AND o.payment_due_at IS NOT NULL AND o.payment_due_at + ${ms('$6')} < $1::timestamptz AS late_payment) late
     WHERE ${conditions.join(' AND ')} AND (late.late_invoice OR late.late_shipment OR late.late_delivery OR late.late_payment)
     ORDER BY o.approved_at, o.order_id
     LIMIT $${params.push(query.page.limit + 1)}`,
    params,
  );
  return rows.map((row) => toStuck(row, slos));
}

function toStuck(row: Row, slos: ProcessSlos): StuckRow {
  const order = toOrder(row);
  const approved = Date.parse(order.approvedAt!);
  const late: Array<[StuckStep, boolean, number]> = [
    ['INVOICE', row.late_invoice, approved + slos.invoice],
    ['SHIPMENT', row.late_shipment, approved + slos.shipment],
    ['DELIVERY', row.late_delivery, Date.parse(order.shippedAt ?? '') + slos.delivery],
    ['PAYMENT', row.late_payment, Date.parse(order.paymentDueAt ?? '') + slos.payment],
  ];
  const due = late.filter(([, isLate]) => isLate);
  return {
    order,
    startedAt: order.approvedAt!,
    startedAtMicros: Number(row.approved_us),
    lateSteps: due.map(([step]) => step),
    dueAt: new Date(Math.min(...due.map(([, , at]) => at))).toISOString(),
  };
}
