import type { ShipmentStatus } from './__generated__/resolvers-types.js';

/** A carrier scan as the logistics system returns it. */
export interface ShipmentEventModel {
  status: ShipmentStatus;
  at: string;
  location: string | null;
}

/** A shipment as the logistics system returns it; resolvers receive it as the parent. */
export interface ShipmentModel {
  id: string;
  trackingNumber: string;
  carrier: string;
  status: ShipmentStatus;
  shippedAt: string | null;
  estimatedDeliveryAt: string | null;
  deliveredAt: string | null;
  orderNumber: string;
  /** The CRM customer the parcel goes to: the portal's row-level rule. */
  customerId: string;
  events: ShipmentEventModel[];
}

/** An ERP order as this subgraph knows it: only its number. */
export interface OrderRef {
  number: string;
}
