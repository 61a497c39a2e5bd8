import { describe, expect, it } from 'vitest';
import { shipmentStats } from './stats.js';
import type { Shipment } from './store.js';

/** The carrier's report over literal shipments, all past their estimate and not delivered. */
const parcel = (id: string, status: Shipment['status']): Shipment => ({
  id,
  trackingNumber: `T-${id}`,
  carrier: 'DHL',
  status,
  shippedAt: null,
  estimatedDeliveryAt: '2026-01-05T00:00:00.000Z',
  deliveredAt: null,
  orderNumber: `SO-${id}`,
  customerId: 'cus_0001',
  events: [{ status: 'LABEL_CREATED', at: '2026-01-01T00:00:00.000Z', location: 'Warehouse' }],
});

describe('shipmentStats (carrier stand-in)', () => {
  it('counts a cancelled parcel in its own CANCELLED row, never late, even past its estimate', () => {
    const shipments = [parcel('1', 'CANCELLED'), parcel('2', 'LABEL_CREATED'), parcel('3', 'CANCELLED')];
    const rows = shipmentStats(shipments, { from: '2026-01-01', to: '2026-02-01', groupBy: new Set(['status']) });
    expect(rows).toEqual([
      { month: null, status: 'LABEL_CREATED', carrier: null, shipments: 1, delivered: 0, late: 1 },
      { month: null, status: 'CANCELLED', carrier: null, shipments: 2, delivered: 0, late: 0 },
    ]);
  });
});
