import type { Keyset } from '../shared/connection.js';
import type { ShipmentModel } from './models.js';

/**
 * The carrier lists shipments oldest first by id and takes the last id of a page as its own
 * keyset cursor (`after`); the subgraph's cursor carries that id. A portal principal's own
 * shipments are paged in memory in the same order.
 */
export const SHIPMENTS_KEYSET: Keyset<ShipmentModel> = { list: 'logistics.shipments', parts: ['string'], keyOf: (shipment) => [shipment.id] };

/** The carrier's id format: a cursor naming anything else was not handed out by this field. */
export const SHIPMENT_ID = /^shp_\d{6,9}$/;

/** `shp_000042` → 42: the carrier orders ids by their number. */
const shipmentNumber = (id: string) => Number(id.slice('shp_'.length));

/** A copy in the carrier's list order, so an in-memory page never depends on batch order. */
export function sortedById(shipments: readonly ShipmentModel[]): ShipmentModel[] {
  return [...shipments].sort((a, b) => shipmentNumber(a.id) - shipmentNumber(b.id));
}
