import type { BusinessEvent } from '../../shared/events/envelope.js';
import { recordEvent } from '../../shared/events/outbox.js';
import { money, type Money } from '../../shared/money.js';
import type { Queryable } from '../../shared/sql.js';
import type { OrderModel, OrderStatus } from '../models.js';

/**
 * The events the ERP produces (issue 17), written to its outbox inside the transaction that makes
 * the change (db-orders.ts, db-approve.ts, db-cancel.ts). The payloads are the contract billing
 * and logistics code against, documented in `schema/events/order.*.v1.json`: a change that
 * breaks them is a new version, never an edit.
 */
export const ERP_SOURCE = 'erp';
export const ORDER_AGGREGATE = 'Order';

/** One line of an approved order, as its writer has it (unit price in the order's currency). */
export interface ApprovedLine {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

/** `order.approved` v1: what billing invoices and logistics ships. */
export interface OrderApprovedPayload extends Record<string, unknown> {
  orderNumber: string;
  customerId: string;
  placedAt: string;
  approvedAt: string;
  currency: string;
  total: Money;
  lines: Array<{ sku: string; quantity: number; unitPrice: Money; lineTotal: Money }>;
}

/** `order.cancelled` v1: billing voids an unpaid invoice, logistics cancels an unshipped shipment. */
export interface OrderCancelledPayload extends Record<string, unknown> {
  orderNumber: string;
  customerId: string;
  cancelledAt: string;
  /** The status the cancellation left: only DRAFT and APPROVED orders can be cancelled. */
  previousStatus: Extract<OrderStatus, 'DRAFT' | 'APPROVED'>;
}

/** `order.approved` v1's payload for an order as approved (its `approvedAt` set) with its lines in line order. */
export function orderApprovedPayload(order: OrderModel, lines: readonly ApprovedLine[]): OrderApprovedPayload {
  if (!order.approvedAt) throw new Error(`order ${order.number} has no approval time: record order.approved after approving it`);
  return {
    orderNumber: order.number,
    customerId: order.customerId,
    placedAt: order.placedAt,
    approvedAt: order.approvedAt,
    currency: order.currency,
    total: money(order.totalCents, order.currency),
    lines: lines.map((line) => ({
      sku: line.sku,
      quantity: line.quantity,
      unitPrice: money(line.unitPriceCents, order.currency),
      lineTotal: money(line.quantity * line.unitPriceCents, order.currency),
    })),
  };
}

const orderEvent = <Payload extends Record<string, unknown>>(tx: Queryable, type: string, orderNumber: string, payload: Payload): Promise<BusinessEvent<Payload>> =>
  recordEvent(tx, { type, version: 1, source: ERP_SOURCE, aggregate: { type: ORDER_AGGREGATE, key: orderNumber }, payload });

/** Writes `order.approved` v1 to the outbox in `tx`, the transaction that approved the order. */
export const recordOrderApproved = (tx: Queryable, order: OrderModel, lines: readonly ApprovedLine[]): Promise<BusinessEvent<OrderApprovedPayload>> =>
  orderEvent(tx, 'order.approved', order.number, orderApprovedPayload(order, lines));

/** Writes `order.cancelled` v1 to the outbox in `tx`, the transaction that cancelled the order. */
export const recordOrderCancelled = (tx: Queryable, payload: OrderCancelledPayload): Promise<BusinessEvent<OrderCancelledPayload>> =>
  orderEvent(tx, 'order.cancelled', payload.orderNumber, payload);
