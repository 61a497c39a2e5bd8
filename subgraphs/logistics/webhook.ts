import type { FastifyInstance } from 'fastify';
import { isEventKey, registerSignedWebhook, type SignedWebhook } from '../shared/signed-webhook.js';

/**
 * `POST /webhooks/logistics`: the logistics system's change webhook (`shipment.updated`, sent after
 * a carrier status update), so every replica's entity cache drops the shipment at once instead of
 * after its TTL. `x-logistics-signature` (key `LOGISTICS_WEBHOOK_SECRET`) authenticates it; see
 * `registerSignedWebhook`.
 */
export interface LogisticsWebhookOptions {
  secret: string;
  /** Invalidates what is cached about the shipment and its order's list. */
  shipmentChanged(id: string, orderNumber: string | null): Promise<void>;
}

export interface LogisticsWebhookCounters {
  logisticsWebhooksAccepted: number;
  logisticsWebhooksRejected: number;
}

export const WEBHOOK_PATH = '/webhooks/logistics';

function changedShipment(event: Record<string, unknown>): { id: string; orderNumber: string | null } | 'ignored' | 'invalid' {
  if (event.event !== 'shipment.updated') return 'ignored';
  const { shipmentId, orderNumber } = event;
  // orderNumber is optional: without it only the shipment itself is dropped.
  if (!isEventKey(shipmentId) || (orderNumber !== undefined && !isEventKey(orderNumber))) return 'invalid';
  return { id: shipmentId, orderNumber: orderNumber ?? null };
}

export function registerLogisticsWebhook(app: FastifyInstance, options: LogisticsWebhookOptions): SignedWebhook<LogisticsWebhookCounters> {
  return registerSignedWebhook(app, {
    path: WEBHOOK_PATH,
    signatureHeader: 'x-logistics-signature',
    secret: options.secret,
    parseEvent: changedShipment,
    invalidMessage: 'expected a shipment.updated event with shipmentId',
    onEvent: (change) => options.shipmentChanged(change.id, change.orderNumber),
    counterNames: { accepted: 'logisticsWebhooksAccepted', rejected: 'logisticsWebhooksRejected' },
  });
}
