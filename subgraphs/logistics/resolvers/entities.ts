import type { OrderResolvers, ShipmentResolvers } from '../__generated__/resolvers-types.js';
import { ownShipment, visibleShipments } from '../row-rules.js';

export const Shipment: ShipmentResolvers = {
  // Loaded in one batch with the other references, then checked one by one.
  __resolveReference: async (reference, { principal, loaders }) => ownShipment(principal, await loaders.shipmentById.load(reference.id)),
  // The logistics system knows orders only by number; the ERP resolves the rest.
  order: (shipment) => ({ number: shipment.orderNumber }),
};

export const Order: OrderResolvers = {
  // One batched call per 100 orders; anyone may ask about an order, a portal principal sees only its own parcels.
  shipments: async (order, _args, { principal, loaders }) => (order.number ? visibleShipments(principal, await loaders.shipmentsByOrderNumber.load(order.number)) : []),
};
