import type { BusinessEvent } from '../../shared/events/envelope.js';
import type { EventHandler } from '../../shared/events/handler.js';
import { markDelivered, markInvoiced, markPaid, markShipped } from '../db-milestones.js';

/**
 * What the ERP does with other systems' events (issue 17). Each writes through the `tx` it is
 * given, only (db-milestones.ts): the consumer runtime commits it with the `processed_events` row.
 * Each moves the order's version on when it changes the order, and is a no-op when the order
 * already is where the event would put it, so a replay under a new event id changes nothing
 * either. A case it cannot apply (an unknown or cancelled order) throws: the runtime retries it,
 * then dead-letters it with the message, where operations see it.
 */

/** A payload field the handler needs, read defensively: the runtime checked the schema, but a handler never trusts a cast. */
function field<T>(event: BusinessEvent, name: string, check: (value: unknown) => value is T, expected: string): T {
  const value = event.payload[name];
  if (!check(value)) throw new Error(`${event.type} v${event.version} ${event.id}: payload.${name} must be ${expected}`);
  return value;
}
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isTextOrNull = (value: unknown): value is string | null => value === null || isText(value);
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isInstant = (value: unknown): value is string => isText(value) && !Number.isNaN(Date.parse(value));

function onlyVersion1(event: BusinessEvent): void {
  if (event.version !== 1) throw new Error(`${event.type} ${event.id}: version ${event.version} has no ERP handler (only v1)`);
}

/**
 * `logistics.shipment.delivered` → the order is DELIVERED (legacy code F) at the carrier's time,
 * from APPROVED or SHIPPED. Already DELIVERED: nothing to do.
 */
export const orderDeliveryHandler: EventHandler = {
  consumer: 'erp.order-delivery',
  subjects: ['logistics.shipment.delivered'],
  async handle(event, tx) {
    onlyVersion1(event);
    const orderNumber = field(event, 'orderNumber', isText, 'an order number');
    const deliveredAt = field(event, 'deliveredAt', isInstant, 'an ISO-8601 instant');
    const outcome = await markDelivered(tx, orderNumber, deliveredAt);
    if (outcome.changed || outcome.status === 'DELIVERED') return;
    const shipment = typeof event.payload.shipmentId === 'string' ? ` (shipment ${event.payload.shipmentId})` : '';
    if (outcome.status === null) throw new Error(`order ${orderNumber} delivered${shipment} is unknown to the ERP`);
    throw new Error(`order ${orderNumber} delivered${shipment} is ${outcome.status} in the ERP and cannot become DELIVERED`);
  },
};

/**
 * `billing.payment.recorded` → the order is paid (`paid_at`, the payment's time) once a payment
 * settles its invoice. Unsettled payments and invoices of no order change nothing; an order paid
 * before keeps its first time. Payment is billing's fact: recorded whatever the order's status.
 */
export const orderPaymentHandler: EventHandler = {
  consumer: 'erp.order-payment',
  subjects: ['billing.payment.recorded'],
  async handle(event, tx) {
    onlyVersion1(event);
    const settled = field(event, 'settled', isBoolean, 'true or false');
    const orderNumber = field(event, 'orderNumber', isTextOrNull, 'an order number or null');
    if (!settled || orderNumber === null) return;
    const paidAt = field(event, 'paidAt', isInstant, 'an ISO-8601 instant');
    const outcome = await markPaid(tx, orderNumber, paidAt);
    if (outcome.changed || outcome.status !== null) return;
    const invoice = typeof event.payload.invoiceNumber === 'string' ? ` by invoice ${event.payload.invoiceNumber}` : '';
    throw new Error(`order ${orderNumber} paid${invoice} is unknown to the ERP`);
  },
};

/**
 * `logistics.shipment.created` → `shipped_at`, the parcel's booking time: the milestone the
 * delivery step's SLO counts from. The order stays APPROVED (a booked parcel is not picked up, and
 * the order can still be cancelled). A cancelled order's parcel changes nothing (logistics cancels
 * it on `order.cancelled`); an unknown order throws.
 */
export const orderShippedHandler: EventHandler = {
  consumer: 'erp.order-shipped',
  subjects: ['logistics.shipment.created'],
  async handle(event, tx) {
    onlyVersion1(event);
    const orderNumber = field(event, 'orderNumber', isText, 'an order number');
    const createdAt = field(event, 'createdAt', isInstant, 'an ISO-8601 instant');
    const outcome = await markShipped(tx, orderNumber, createdAt);
    if (outcome.changed || outcome.status !== null) return;
    throw new Error(`order ${orderNumber} shipped (shipment ${String(event.payload.shipmentId)}) is unknown to the ERP`);
  },
};

/**
 * `billing.invoice.issued` → `invoiced_at` (when billing issued it) and `payment_due_at` (the invoice's due date): the
 * milestones the payment step's SLO counts from. Invoices of no order change nothing; an order
 * invoiced before keeps its first invoice's times.
 */
export const orderInvoicedHandler: EventHandler = {
  consumer: 'erp.order-invoiced',
  subjects: ['billing.invoice.issued'],
  async handle(event, tx) {
    onlyVersion1(event);
    const orderNumber = field(event, 'orderNumber', isTextOrNull, 'an order number or null');
    if (orderNumber === null) return;
    const dueAt = field(event, 'dueAt', isInstant, 'an ISO-8601 instant');
    // The event's time, not payload.issuedAt: billing dates invoices by day (midnight UTC).
    const outcome = await markInvoiced(tx, orderNumber, event.occurredAt, dueAt);
    if (outcome.changed || outcome.status !== null) return;
    throw new Error(`order ${orderNumber} invoiced by ${String(event.payload.invoiceNumber)} is unknown to the ERP`);
  },
};

/** Every ERP consumer, for the runtime to subscribe. */
export const ERP_EVENT_HANDLERS: readonly EventHandler[] = [orderDeliveryHandler, orderPaymentHandler, orderShippedHandler, orderInvoicedHandler];
