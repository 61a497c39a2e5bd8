import type { EntityCache } from '../shared/entity-cache/cache.js';

/**
 * What the logistics subgraph keeps in the entity cache: shipments by id, and each order's
 * shipment ids (a list holds ids, so a shipment has one cached copy). An empty list is cached too:
 * most orders asked about have shipped long ago or not at all. A carrier update reaches the cache
 * through the system's webhook (`webhook.ts`), not after the TTL.
 */
export const SHIPMENT = 'Shipment';
export const SHIPMENTS_BY_ORDER = 'ShipmentsByOrder';

/** Cached types and their default TTL in seconds (undefined: `ENTITY_CACHE_TTL_SECONDS`). */
export const SHIPMENT_CACHE_TYPES = { [SHIPMENT]: undefined, [SHIPMENTS_BY_ORDER]: 60 };

/** The system says the shipment changed: every replica reads it, and its order's list, again. */
export async function shipmentChanged(cache: EntityCache, shipmentId: string, orderNumber: string | null): Promise<void> {
  await Promise.all([cache.invalidate(SHIPMENT, [shipmentId]), orderNumber === null ? undefined : cache.invalidate(SHIPMENTS_BY_ORDER, [orderNumber])]);
}
