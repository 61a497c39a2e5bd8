import type { Queryable, TransactionalQueryable } from '../../../common/contracts/sql.js';
import type { BusinessEvent } from '../../shared/events/envelope.js';
import { recordEvent } from '../../shared/events/outbox.js';
import type { LogisticsClient } from '../logistics-client.js';

/**
 * The events the logistics subgraph produces (issue 17), written to its own outbox. Payloads are
 * documented in `schema/events/shipment.created.v1.json` and `shipment.delivered.v1.json`.
 */
export const LOGISTICS_SOURCE = 'logistics';
export const SHIPMENT_AGGREGATE = 'Shipment';

/** `shipment.created` v1: a parcel booked at the carrier for an approved order. */
export type ShipmentCreatedV1 = {
  shipmentId: string;
  orderNumber: string;
  customerId: string;
  carrier: string;
  trackingNumber: string;
  /** When the carrier created the label (its first scan). */
  createdAt: string;
};

/** `shipment.delivered` v1: the carrier delivered the parcel. */
export type ShipmentDeliveredV1 = {
  shipmentId: string;
  orderNumber: string;
  carrier: string;
  trackingNumber: string;
  deliveredAt: string;
};

const shipment = (key: string) => ({ type: SHIPMENT_AGGREGATE, key });

/** Records `shipment.created` in `tx`, the transaction that also marks the approval processed. */
export function recordShipmentCreated(tx: Queryable, payload: ShipmentCreatedV1, traceparent?: string | null): Promise<BusinessEvent<ShipmentCreatedV1>> {
  return recordEvent(tx, { type: 'shipment.created', version: 1, source: LOGISTICS_SOURCE, aggregate: shipment(payload.shipmentId), payload, traceparent });
}

/**
 * Records `shipment.delivered` once per shipment, whatever the number of webhooks announcing it
 * (the carrier retries; replicas receive them concurrently): the `recorded_deliveries` row and the
 * outbox row commit together. Null when the delivery was recorded before.
 */
export function recordShipmentDelivered(db: TransactionalQueryable, payload: ShipmentDeliveredV1): Promise<BusinessEvent<ShipmentDeliveredV1> | null> {
  return db.transaction(async (tx) => {
    const claimed = await tx.query('INSERT INTO recorded_deliveries (shipment_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING shipment_id', [payload.shipmentId]);
    if (claimed.rows.length === 0) return null;
    return recordEvent(tx, { type: 'shipment.delivered', version: 1, source: LOGISTICS_SOURCE, aggregate: shipment(payload.shipmentId), payload });
  });
}

/** A delivery as the carrier's webhook announced it; the stand-in sends every field, a thinner carrier may not. */
export interface DeliveryNotice {
  shipmentId: string;
  orderNumber: string | null;
  carrier?: string;
  trackingNumber?: string;
  deliveredAt?: string;
}

/**
 * Records the delivery a webhook announced. What the notice lacks is read from the carrier (one
 * call), which then must say the shipment is delivered; otherwise nothing is recorded.
 */
export async function recordDeliveryNotice(
  db: TransactionalQueryable,
  client: Pick<LogisticsClient, 'shipmentsByIds'>,
  notice: DeliveryNotice,
): Promise<BusinessEvent<ShipmentDeliveredV1> | null> {
  const { shipmentId, orderNumber, carrier, trackingNumber, deliveredAt } = notice;
  if (orderNumber !== null && carrier !== undefined && trackingNumber !== undefined && deliveredAt !== undefined) {
    return recordShipmentDelivered(db, { shipmentId, orderNumber, carrier, trackingNumber, deliveredAt });
  }
  const [current] = await client.shipmentsByIds([shipmentId]);
  if (current?.status !== 'DELIVERED' || current.deliveredAt === null) return null;
  return recordShipmentDelivered(db, {
    shipmentId,
    orderNumber: current.orderNumber,
    carrier: current.carrier,
    trackingNumber: current.trackingNumber,
    deliveredAt: new Date(current.deliveredAt).toISOString(),
  });
}
