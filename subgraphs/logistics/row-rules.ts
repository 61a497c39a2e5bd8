import type { Principal } from '../shared/context.js';
import { ownRow, restrictedCustomer } from '../shared/row-rules.js';
import type { ShipmentModel } from './models.js';
import { ORIGIN } from './origin.js';

/**
 * The logistics row-level rule (see shared/row-rules.ts): the system stores the customer each
 * parcel goes to, so a portal principal sees only shipments to its own `customer_id`.
 */

/** A shipment loaded for this request: itself when allowed, null when unknown, FORBIDDEN when another customer's. */
export function ownShipment(principal: Principal | null, shipment: ShipmentModel | null): ShipmentModel | null {
  return ownRow(principal, shipment, (row) => row.customerId, ORIGIN, 'shipment');
}

/** Keeps the shipments of a list the principal may see (a portal principal's own only). */
export function visibleShipments(principal: Principal | null, shipments: readonly ShipmentModel[]): ShipmentModel[] {
  const own = restrictedCustomer(principal);
  return own === null ? [...shipments] : shipments.filter((shipment) => shipment.customerId === own);
}
