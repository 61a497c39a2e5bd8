import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import type { SeedShipment } from '../../systems/seed/types.js';
import type { Principal } from '../shared/context.js';
import { startLogistics, type LogisticsProcesses } from '../../test/helpers/subgraphs/logistics.js';

/**
 * shipmentStats: counted by the carrier stand-in's reporting endpoint (one call), checked here
 * against counts computed independently from the seed.
 */
const dataset = generateDataset();
const PORTAL: Principal = { subject: 'portal-user', scopes: ['logistics:read'], customerId: 'cus_0001', email: 'unused@example.com' };
const STATUSES = ['LABEL_CREATED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION'];

let logistics: LogisticsProcesses;
beforeAll(async () => {
  logistics = await startLogistics();
});
afterAll(async () => {
  await logistics?.stop();
});

const STATS = /* GraphQL */ `
  query ($from: DateTime!, $to: DateTime!, $groupBy: [ShipmentGroupBy!]) {
    shipmentStats(from: $from, to: $to, groupBy: $groupBy) {
      groupBy
      truncated
      rows {
        month
        status
        carrier
        shipments
        delivered
        late
      }
    }
  }
`;
const createdAt = (shipment: SeedShipment) => shipment.events[0]?.at ?? shipment.shippedAt ?? '';

function expected(shipments: readonly SeedShipment[], key: (shipment: SeedShipment) => { month: string | null; status: string | null; carrier: string | null }) {
  const now = new Date().toISOString();
  const groups = new Map<string, { month: string | null; status: string | null; carrier: string | null; shipments: number; delivered: number; late: number }>();
  for (const shipment of shipments) {
    const fields = key(shipment);
    const id = JSON.stringify([fields.month ?? '', fields.status === null ? -1 : STATUSES.indexOf(fields.status), fields.carrier ?? '']);
    const group = groups.get(id) ?? { ...fields, shipments: 0, delivered: 0, late: 0 };
    group.shipments++;
    if (shipment.deliveredAt !== null) group.delivered++;
    if (shipment.estimatedDeliveryAt !== null && (shipment.deliveredAt ?? now) > shipment.estimatedDeliveryAt) group.late++;
    groups.set(id, group);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, group]) => group);
}

describe('shipmentStats', () => {
  it('counts shipments per status and carrier in one system call', async () => {
    await logistics.resetSystemCalls();
    const { body } = await logistics.query(STATS, { from: '2024-01-01', to: '2026-12-31', groupBy: ['STATUS', 'CARRIER'] });
    expect(body.errors).toBeUndefined();
    expect(await logistics.systemCalls()).toEqual({ 'GET /shipments/stats': 1 });
    const rows = expected(dataset.shipments, (shipment) => ({ month: null, status: shipment.status, carrier: shipment.carrier }));
    expect(rows.length).toBeGreaterThan(4);
    expect(body.data!.shipmentStats).toEqual({ groupBy: ['STATUS', 'CARRIER'], truncated: false, rows });
  });

  it('counts per month of a year, and a portal customer its own shipments only', async () => {
    const { body } = await logistics.query(STATS, { from: '2025-01-01', to: '2026-01-01', groupBy: ['MONTH'] });
    const year = dataset.shipments.filter((shipment) => createdAt(shipment) >= '2025-01-01' && createdAt(shipment) < '2026-01-01');
    expect(body.data!.shipmentStats.rows).toEqual(expected(year, (shipment) => ({ month: createdAt(shipment).slice(0, 7), status: null, carrier: null })));

    const own = await logistics.query(STATS, { from: '2024-01-01', to: '2026-12-31', groupBy: [] }, PORTAL);
    const mine = dataset.shipments.filter((shipment) => shipment.customerId === 'cus_0001');
    expect(mine.length).toBeGreaterThan(0);
    expect(own.body.data!.shipmentStats.rows).toEqual(expected(mine, () => ({ month: null, status: null, carrier: null })));
  });

  it('refuses a bad period with BAD_USER_INPUT before asking the system', async () => {
    await logistics.resetSystemCalls();
    const { body } = await logistics.query(STATS, { from: 'now', to: '2025-01-01' });
    expect(body.data).toEqual({ shipmentStats: null });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    expect(await logistics.systemCalls()).toEqual({});
  });
});
