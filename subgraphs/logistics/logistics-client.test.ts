import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogisticsClient, type LogisticsClient } from './logistics-client.js';

/**
 * The tolerant reader, at the carrier's HTTP edge: a fake carrier answers with statuses the real
 * stand-in never sends (one a real carrier might add), which only a fake can serve. Every
 * request it got is asserted.
 */
const scan = (status: string, location: string) => ({ status, at: '2026-11-02T08:00:00.000Z', location });
const shipment = (id: string, status: string, events: ReturnType<typeof scan>[]) => ({
  id,
  trackingNumber: `T-${id}`,
  carrier: 'DHL',
  status,
  shippedAt: null,
  estimatedDeliveryAt: null,
  deliveredAt: null,
  orderNumber: 'SO-990501',
  customerId: 'cus_0001',
  events,
});
const row = (status: string, shipments: number, late: number) => ({ month: null, status, carrier: 'DHL', shipments, delivered: 0, late });
const ANSWERS: Record<string, unknown> = {
  '/shipments': {
    data: [
      shipment('shp_1', 'CANCELLED', [scan('LABEL_CREATED', 'Warehouse'), scan('CANCELLED', 'Cancelled by the shipper')]),
      shipment('shp_2', 'RETURNED_TO_SENDER', [scan('LABEL_CREATED', 'Warehouse'), scan('RETURNED_TO_SENDER', 'Hub')]),
    ],
  },
  '/shipments/stats': { data: [row('EXCEPTION', 2, 1), row('CANCELLED', 1, 0), row('RETURNED_TO_SENDER', 3, 2)] },
};

const requests: string[] = [];
let carrier: Server;
let client: LogisticsClient;
beforeAll(async () => {
  carrier = createServer((request, response) => {
    const path = new URL(request.url!, 'http://carrier').pathname;
    requests.push(`${request.method} ${path}`);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(ANSWERS[path]));
  });
  await new Promise<void>((resolve) => carrier.listen(0, '127.0.0.1', resolve));
  const { port } = carrier.address() as { port: number };
  client = createLogisticsClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'client-test-key', timeoutMs: 2000 });
});
afterAll(async () => {
  await client?.close();
  await new Promise((resolve) => carrier?.close(resolve));
});

describe('the tolerant reader of the carrier', () => {
  it('serves a CANCELLED shipment as CANCELLED with its scan, and a status the schema does not know as EXCEPTION', async () => {
    requests.length = 0;
    const shipments = await client.shipmentsByIds(['shp_1', 'shp_2']);
    expect(shipments.map(({ id, status, events }) => ({ id, status, events: events.map((event) => event.status) }))).toEqual([
      { id: 'shp_1', status: 'CANCELLED', events: ['LABEL_CREATED', 'CANCELLED'] },
      { id: 'shp_2', status: 'EXCEPTION', events: ['LABEL_CREATED', 'EXCEPTION'] },
    ]);
    expect(requests).toEqual(['GET /shipments']);
  });

  it('keeps the CANCELLED report row apart and adds an unknown status to EXCEPTION', async () => {
    requests.length = 0;
    const rows = await client.shipmentStats({ from: new Date('2026-01-01'), to: new Date('2027-01-01'), groupBy: new Set(['STATUS', 'CARRIER']) });
    expect(rows).toEqual([row('EXCEPTION', 5, 3), row('CANCELLED', 1, 0)]);
    expect(requests).toEqual(['GET /shipments/stats']);
  });
});
