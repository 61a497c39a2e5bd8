import { createWebhookSender as createSignedWebhookSender, warnAs, type WebhookSender as SignedWebhookSender } from '../shared/webhook-sender.js';

export { signWebhook } from '../shared/webhook-sender.js';

/** Posted to `LOGISTICS_WEBHOOK_URL` after every change of a shipment. */
export interface ShipmentUpdatedEvent {
  event: 'shipment.updated';
  shipmentId: string;
  orderNumber: string;
  status: string;
  occurredAt: string;
  carrier: string;
  trackingNumber: string;
  /** Set once the parcel is delivered: with the two above, what the subgraph's `shipment.delivered` event carries. */
  deliveredAt: string | null;
}

export type WebhookSender = SignedWebhookSender<ShipmentUpdatedEvent>;

export const SIGNATURE_HEADER = 'x-logistics-signature';

/** Three attempts with doubling back-off (250 ms, 500 ms); failures are logged, never thrown. */
export function createWebhookSender(options: { url?: string; secret: string; attempts?: number; backoffMs?: number }): WebhookSender {
  return createSignedWebhookSender({
    ...options,
    signatureHeader: SIGNATURE_HEADER,
    subject: (event) => ({ shipmentId: event.shipmentId }),
    log: warnAs('logistics-system'),
  });
}
