import type { Random } from './random.js';
import type { SeedCustomer, SeedOrder, SeedShipment, SeedShipmentEvent, ShipmentStatus } from './types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CARRIERS = [
  { name: 'DHL', prefix: 'JD' },
  { name: 'UPS', prefix: '1Z' },
  { name: 'FedEx', prefix: 'FX' },
  { name: 'DPD', prefix: 'DP' },
  { name: 'GLS', prefix: 'GL' },
] as const;
const HUBS = ['Leipzig hub', 'Cologne hub', 'Paris Roissy', 'Amsterdam Schiphol', 'Vienna depot', 'Milan depot', 'Madrid depot'];

/** Order numbers the ERP never issues (its numbers count up from SO-100001), planted on purpose. */
export const ORPHAN_SHIPMENT_ORDER_NUMBERS = ['SO-980001', 'SO-980002', 'SO-980003'];

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Shipments for the shipped and delivered orders (about one in ten split in two parcels), each with
 * its carrier scans, plus a few orphan shipments for orders the ERP never issued. `now` bounds
 * every date, so statuses are reproducible.
 */
export function makeShipments(random: Random, orders: readonly SeedOrder[], customers: readonly SeedCustomer[], now: number) {
  const shipments: SeedShipment[] = [];
  const add = (orderNumber: string, customerId: string, placedAt: number, delivered: boolean) => {
    const carrier = random.pick(CARRIERS);
    const hub = random.pick(HUBS);
    const shippedAt = Math.min(placedAt + random.int(4, 60) * HOUR, now - 2 * HOUR);
    const estimatedDeliveryAt = shippedAt + random.int(2, 5) * DAY;
    const events: SeedShipmentEvent[] = [
      { status: 'LABEL_CREATED', at: iso(shippedAt - random.int(1, 6) * HOUR), location: 'Warehouse' },
      { status: 'IN_TRANSIT', at: iso(shippedAt), location: hub },
    ];
    let status: ShipmentStatus = 'IN_TRANSIT';
    let deliveredAt: number | null = null;
    if (delivered) {
      deliveredAt = Math.min(shippedAt + random.int(1, 6) * DAY, now - HOUR);
      events.push({ status: 'OUT_FOR_DELIVERY', at: iso(deliveredAt - random.int(2, 8) * HOUR), location: 'Local depot' });
      events.push({ status: 'DELIVERED', at: iso(deliveredAt), location: 'Recipient' });
      status = 'DELIVERED';
    } else if (random.chance(0.06)) {
      events.push({ status: 'EXCEPTION', at: iso(Math.min(shippedAt + DAY, now - HOUR)), location: hub });
      status = 'EXCEPTION';
    } else if (random.chance(0.3)) {
      events.push({ status: 'OUT_FOR_DELIVERY', at: iso(Math.min(shippedAt + DAY, now - HOUR)), location: 'Local depot' });
      status = 'OUT_FOR_DELIVERY';
    }
    shipments.push({
      id: `shp_${String(shipments.length + 1).padStart(6, '0')}`,
      trackingNumber: `${carrier.prefix}${random.int(100_000_000, 999_999_999)}${random.int(10, 99)}`,
      carrier: carrier.name,
      status,
      shippedAt: iso(shippedAt),
      estimatedDeliveryAt: iso(estimatedDeliveryAt),
      deliveredAt: deliveredAt === null ? null : iso(deliveredAt),
      orderNumber,
      customerId,
      events,
    });
  };
  for (const order of orders) {
    if (order.statusCode !== 'S' && order.statusCode !== 'F') continue;
    const parcels = random.chance(0.1) ? 2 : 1;
    for (let i = 0; i < parcels; i++) add(order.number, order.customerId, Date.parse(order.placedAt), order.statusCode === 'F');
  }
  const customer = customers[Math.min(2, customers.length - 1)]!;
  for (const number of ORPHAN_SHIPMENT_ORDER_NUMBERS) add(number, customer.id, now - 30 * DAY, true);
  return { shipments, orphanOrderNumbers: [...ORPHAN_SHIPMENT_ORDER_NUMBERS] };
}
