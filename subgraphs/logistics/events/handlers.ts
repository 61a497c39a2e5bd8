import { activeTraceparent, type BusinessEvent } from '../../shared/events/envelope.js';
import { isCancelledOrderIn, lockOrderIn, recordCancelledOrderIn } from '../../shared/events/cancelled-orders.js';
import type { EventHandler } from '../../shared/events/handler.js';
import { LOGISTICS_MIGRATION_LOCK_KEY } from '../migrations.js';
import type { LogisticsClient } from '../logistics-client.js';
import { recordShipmentCreated } from './shipment-events.js';

/**
 * What logistics does when the ERP's orders move (issue 17): an approved order is booked at the
 * carrier, a cancelled one withdrawn there. The consumer runtime brings idempotency by event id,
 * retries and dead letters; these only apply one event.
 */
export const BOOK_SHIPMENT_CONSUMER = 'logistics.book-shipment';
export const CANCEL_SHIPMENT_CONSUMER = 'logistics.cancel-shipment';

export interface LogisticsHandlerDeps {
  /** The subgraph's one seam to the carrier. */
  client: Pick<LogisticsClient, 'createShipment' | 'cancelShipment' | 'shipmentsByOrderNumbers'>;
  /**
   * Drops what the entity cache holds for a shipment and its order's list after the handler changed
   * them at the carrier: an order read before its parcel was booked has `[]` cached, and the carrier
   * sends no webhook for a booking or a cancellation it was asked for.
   */
  shipmentChanged?(shipmentId: string, orderNumber: string): Promise<void>;
}

/** The carriers the company ships with, and how each one's tracking numbers begin. */
export const CARRIERS = [
  { name: 'DHL', prefix: 'JD' },
  { name: 'UPS', prefix: '1Z' },
  { name: 'FedEx', prefix: 'FX' },
  { name: 'DPD', prefix: 'DP' },
  { name: 'GLS', prefix: 'GL' },
] as const;
export type Carrier = (typeof CARRIERS)[number];

/** The order's carrier, by its number (`SO-100007` → the 7th mod 5): the same order always ships with the same one. */
export function carrierFor(orderNumber: string): Carrier {
  const digits = orderNumber.replace(/\D/g, '');
  const n = digits.length > 0 ? Number(digits.slice(-9)) : [...orderNumber].reduce((sum, char) => sum + char.charCodeAt(0), 0);
  return CARRIERS[n % CARRIERS.length]!;
}

/** The carrier's prefix and the last 16 hex digits of the event id (its random part): a redelivery books the same number. */
export const trackingNumberFor = (carrier: Carrier, eventId: string): string => `${carrier.prefix}${eventId.replace(/-/g, '').slice(-16).toUpperCase()}`;

/** Statuses in which the carrier has the parcel: too late to cancel. */
const SHIPPED: ReadonlySet<string> = new Set(['IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED']);

/**
 * A cancelled order whose parcel the carrier already has. Thrown, not logged and skipped: the
 * parcel is on its way to a customer who cancelled, and only a person can stop it (intercept or
 * return). Retries cannot change that, so the event ends in the dead letters, where operations see
 * it (`events dead`, `Order.fulfillment` DEAD_LETTERED) instead of a log line nobody reads; a replay
 * after the parcel came back finds nothing left to cancel.
 */
export class ShipmentAlreadyShippedError extends Error {
  override readonly name = 'ShipmentAlreadyShippedError';
  /** Retrying cannot help; a runtime that knows this flag may dead-letter at once. */
  readonly retryable = false;
  constructor(
    readonly orderNumber: string,
    readonly shipments: readonly string[],
  ) {
    super(`order ${orderNumber} was cancelled but the carrier already has ${shipments.join(', ')}: intercept or return it by hand`);
  }
}

function text(event: BusinessEvent, field: string): string {
  const value = event.payload[field];
  if (typeof value !== 'string' || value.length === 0) throw new Error(`${event.type} v${event.version} ${event.id}: payload.${field} must be a non-empty string`);
  return value;
}

/** `erp.order.approved` → one shipment at the carrier (Idempotency-Key = event id), then `shipment.created` in `tx`. */
export function bookShipmentHandler({ client, shipmentChanged }: LogisticsHandlerDeps): EventHandler {
  return {
    consumer: BOOK_SHIPMENT_CONSUMER,
    subjects: ['erp.order.approved'],
    async handle(event, tx) {
      const orderNumber = text(event, 'orderNumber');
      const customerId = text(event, 'customerId');
      // Locked until `tx` ends, over the carrier call: a cancellation of this order waits, or was first and is seen.
      await lockOrderIn(tx, LOGISTICS_MIGRATION_LOCK_KEY, orderNumber);
      if (await isCancelledOrderIn(tx, orderNumber)) return;
      const carrier = carrierFor(orderNumber);
      // A crash after this call but before `tx` commits redelivers the event: same key, same shipment back.
      const { shipment } = await client.createShipment({ orderNumber, customerId, carrier: carrier.name, trackingNumber: trackingNumberFor(carrier, event.id) }, event.id);
      const createdAt = shipment.events[0]?.at ?? new Date().toISOString();
      const payload = {
        shipmentId: shipment.id,
        orderNumber,
        customerId,
        carrier: shipment.carrier,
        trackingNumber: shipment.trackingNumber,
        createdAt: new Date(createdAt).toISOString(),
      };
      // The consumer's own span when the runtime opened one, else the approval's: one trace either way.
      await recordShipmentCreated(tx, payload, activeTraceparent() ?? event.traceparent);
      await shipmentChanged?.(shipment.id, orderNumber);
    },
  };
}

/** `erp.order.cancelled` → the order's parcels the carrier has not picked up are withdrawn; none is a no-op. */
export function cancelShipmentHandler({ client, shipmentChanged }: LogisticsHandlerDeps): EventHandler {
  return {
    consumer: CANCEL_SHIPMENT_CONSUMER,
    subjects: ['erp.order.cancelled'],
    async handle(event, tx) {
      const orderNumber = text(event, 'orderNumber');
      await lockOrderIn(tx, LOGISTICS_MIGRATION_LOCK_KEY, orderNumber);
      // Remembered, so an approval applied after this (its consumer ran late) books no parcel.
      await recordCancelledOrderIn(tx, orderNumber, event);
      const shipped: string[] = [];
      for (const shipment of await client.shipmentsByOrderNumbers([orderNumber])) {
        // Cancelling is idempotent at the carrier (a cancelled parcel answers 200 again), so a retry after a partial run is safe.
        const outcome = SHIPPED.has(shipment.status) ? 'shipped' : await client.cancelShipment(shipment.id);
        if (outcome === 'shipped') shipped.push(`${shipment.id} (${shipment.status})`);
        else await shipmentChanged?.(shipment.id, orderNumber);
      }
      if (shipped.length > 0) throw new ShipmentAlreadyShippedError(orderNumber, shipped);
    },
  };
}

/** Every logistics consumer, for the consumer runtime to wire. */
export function createLogisticsHandlers(deps: LogisticsHandlerDeps): EventHandler[] {
  return [bookShipmentHandler(deps), cancelShipmentHandler(deps)];
}
