import type { FastifyInstance } from 'fastify';
import { isEventKey, registerSignedWebhook, type SignedWebhook } from '../shared/signed-webhook.js';
import type { DeliveryNotice } from './events/shipment-events.js';

/**
 * `POST /webhooks/logistics`: the logistics system's change webhook (`shipment.updated`, sent after
 * a carrier status update), so every replica's entity cache drops the shipment at once instead of
 * after its TTL. `x-logistics-signature` (key `LOGISTICS_WEBHOOK_SECRET`) authenticates it; see
 * `registerSignedWebhook`. A `DELIVERED` update also records the `shipment.delivered` business event.
 */
export interface LogisticsWebhookOptions {
  secret: string;
  /** Invalidates what is cached about the shipment and its order's list. */
  shipmentChanged(id: string, orderNumber: string | null): Promise<void>;
  /** Called after `shipmentChanged` when the update says `DELIVERED`: records `shipment.delivered` (once). */
  shipmentDelivered?(notice: DeliveryNotice): Promise<void>;
}

export interface LogisticsWebhookCounters {
  logisticsWebhooksAccepted: number;
  logisticsWebhooksRejected: number;
}

export const WEBHOOK_PATH = '/webhooks/logistics';

interface ShipmentChange {
  id: string;
  orderNumber: string | null;
  /** Set when the update says DELIVERED. */
  delivery?: DeliveryNotice;
}

const optionalKey = (value: unknown) => (isEventKey(value) ? value : undefined);
const optionalTime = (value: unknown) => (typeof value === 'string' && Number.isFinite(Date.parse(value)) ? new Date(value).toISOString() : undefined);

function changedShipment(event: Record<string, unknown>): ShipmentChange | 'ignored' | 'invalid' {
  if (event.event !== 'shipment.updated') return 'ignored';
  const { shipmentId, orderNumber } = event;
  // orderNumber is optional: without it only the shipment itself is dropped.
  if (!isEventKey(shipmentId) || (orderNumber !== undefined && !isEventKey(orderNumber))) return 'invalid';
  const change: ShipmentChange = { id: shipmentId, orderNumber: orderNumber ?? null };
  if (event.status !== 'DELIVERED') return change;
  // What a thinner carrier leaves out is read from it before the delivery is recorded.
  const deliveredAt = optionalTime(event.deliveredAt) ?? optionalTime(event.occurredAt);
  return {
    ...change,
    delivery: { shipmentId, orderNumber: change.orderNumber, carrier: optionalKey(event.carrier), trackingNumber: optionalKey(event.trackingNumber), deliveredAt },
  };
}

export function registerLogisticsWebhook(app: FastifyInstance, options: LogisticsWebhookOptions): SignedWebhook<LogisticsWebhookCounters> {
  return registerSignedWebhook(app, {
    path: WEBHOOK_PATH,
    signatureHeader: 'x-logistics-signature',
    secret: options.secret,
    parseEvent: changedShipment,
    invalidMessage: 'expected a shipment.updated event with shipmentId',
    onEvent: async (change) => {
      await options.shipmentChanged(change.id, change.orderNumber);
      // A failure answers 500 and the carrier sends the webhook again: recorded once, never lost.
      if (change.delivery && options.shipmentDelivered) await options.shipmentDelivered(change.delivery);
    },
    counterNames: { accepted: 'logisticsWebhooksAccepted', rejected: 'logisticsWebhooksRejected' },
  });
}
