import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../../test/helpers/nats.js';
import { http } from '../../../test/helpers/graphql.js';
import { LOGISTICS_KEY, startLogistics, type LogisticsProcesses } from '../../../test/helpers/subgraphs/logistics.js';
import { generateDataset } from '../../../systems/seed/generate.js';
import { readOutbox } from '../../shared/events/outbox.js';
import { eventSchemas } from '../../shared/events/schemas.js';
import { openDatabase } from '../../shared/sql.js';
import { eventsPgliteDir } from './db.js';

/**
 * shipment.delivered from the carrier's signed webhook, end to end: the real stand-in sends it after
 * a DELIVERED scan to the real subgraph, which records it in its own PGlite; the outbox is read once
 * the subgraph has stopped (PGlite allows one process). Also: how a parcel the carrier cancelled reads.
 */
const SECRET = 'logistics-delivery-test-secret';
const dataset = generateDataset();
const single = (status: string, skip = 0) =>
  dataset.shipments.filter((shipment) => shipment.status === status && dataset.shipments.filter((other) => other.orderNumber === shipment.orderNumber).length === 1)[skip]!;
const [scanned, alreadyDelivered, stillInTransit] = [single('IN_TRANSIT'), single('DELIVERED'), single('IN_TRANSIT', 1)];

let logistics: LogisticsProcesses;
const carrier = (method: 'GET' | 'POST', path: string, body?: unknown) => http<any>(method, `${logistics.system.url}${path}`, { headers: { 'x-api-key': LOGISTICS_KEY }, body });
const counters = async () => (await http<Record<string, number>>('GET', `${logistics.subgraph.url}/debug/counters`)).body;
/** Posts a webhook to the subgraph as the carrier would sign it. */
const webhook = (event: Record<string, unknown>) => {
  const body = { event: 'shipment.updated', occurredAt: new Date().toISOString(), ...event };
  // `http` sends JSON.stringify(body): the exact bytes signed here.
  const signature = `sha256=${createHmac('sha256', SECRET).update(JSON.stringify(body)).digest('hex')}`;
  return http<any>('POST', `${logistics.subgraph.url}/webhooks/logistics`, { headers: { 'x-logistics-signature': signature }, body });
};

beforeAll(async () => {
  const port = await freePort();
  logistics = await startLogistics(
    { PORT: String(port), LOGISTICS_WEBHOOK_SECRET: SECRET },
    { LOGISTICS_WEBHOOK_URL: `http://127.0.0.1:${port}/webhooks/logistics`, LOGISTICS_WEBHOOK_SECRET: SECRET },
  );
});
afterAll(async () => {
  await logistics?.stop();
});

describe('logistics events from the carrier', () => {
  it('reads a shipment the carrier cancelled as CANCELLED, with its CANCELLED scan', async () => {
    const booked = await carrier('POST', '/shipments', { orderNumber: 'SO-990301', customerId: 'cus_0001', carrier: 'DHL', trackingNumber: 'JD990301' });
    expect((await carrier('POST', `/shipments/${booked.body.id}/cancel`)).body.status).toBe('CANCELLED');
    // The carrier announces the cancellation like any change, so caches drop the shipment.
    await vi.waitFor(async () => expect((await counters()).logisticsWebhooksAccepted).toBe(1), { timeout: 10_000, interval: 50 });
    const response = await logistics.query('query ($id: ID!) { shipment(id: $id) { status events { status location } } }', { id: booked.body.id });
    expect(response.body).toEqual({
      data: {
        shipment: {
          status: 'CANCELLED',
          events: [
            { status: 'LABEL_CREATED', location: 'Warehouse' },
            { status: 'CANCELLED', location: 'Cancelled by the shipper' },
          ],
        },
      },
    });
  });

  it('counts a cancelled shipment in its own CANCELLED row of shipmentStats, apart from the EXCEPTION ones', async () => {
    const book = async (n: number) =>
      (await carrier('POST', '/shipments', { orderNumber: `SO-99040${n}`, customerId: 'cus_0001', carrier: 'GLS', trackingNumber: `GL99040${n}` })).body;
    const [first, second] = [await book(1), await book(2)];
    await carrier('POST', `/shipments/${first.id}/cancel`);
    await carrier('POST', `/shipments/${second.id}/events`, { status: 'EXCEPTION', location: 'Customs' });
    const to = new Date(Date.parse(second.events[0].at) + 1).toISOString();
    const { body } = await logistics.query(
      'query ($from: DateTime!, $to: DateTime!) { shipmentStats(from: $from, to: $to, groupBy: [STATUS, CARRIER]) { rows { status carrier shipments } } }',
      { from: first.events[0].at, to },
    );
    expect(body).toEqual({
      data: {
        shipmentStats: {
          rows: [
            { status: 'EXCEPTION', carrier: 'GLS', shipments: 1 },
            { status: 'CANCELLED', carrier: 'GLS', shipments: 1 },
          ],
        },
      },
    });
    // Both changes were announced; the next test counts from here.
    await vi.waitFor(async () => expect((await counters()).logisticsWebhooksAccepted).toBe(3), { timeout: 10_000, interval: 50 });
  });

  it('records exactly one shipment.delivered per delivered shipment, however often the webhook comes', async () => {
    const at = '2026-07-02T08:00:00.000Z';
    const accepted = (await counters()).logisticsWebhooksAccepted ?? 0;
    const scan = await carrier('POST', `/shipments/${scanned.id}/events`, { status: 'DELIVERED', location: 'Front door', at });
    expect(scan.status).toBe(200);
    await vi.waitFor(async () => expect((await counters()).logisticsWebhooksAccepted).toBe(accepted + 1), { timeout: 10_000, interval: 50 });
    // The carrier's retry of the same delivery, twice.
    const repeated = {
      shipmentId: scanned.id,
      orderNumber: scanned.orderNumber,
      status: 'DELIVERED',
      carrier: scanned.carrier,
      trackingNumber: scanned.trackingNumber,
      deliveredAt: at,
    };
    for (let i = 0; i < 2; i++) expect(await webhook(repeated)).toMatchObject({ status: 200, body: { invalidated: scanned.id } });
    // A thin webhook (no carrier, tracking number, time): read from the carrier, which says delivered.
    expect((await webhook({ shipmentId: alreadyDelivered.id, status: 'DELIVERED' })).status).toBe(200);
    // Not a delivery, or one the carrier denies: nothing.
    expect((await webhook({ shipmentId: stillInTransit.id, orderNumber: stillInTransit.orderNumber, status: 'IN_TRANSIT' })).status).toBe(200);
    expect((await webhook({ shipmentId: stillInTransit.id, status: 'DELIVERED' })).status).toBe(200);

    await logistics.subgraph.stop();
    const db = await openDatabase({ dataDir: eventsPgliteDir(logistics.dataDir) });
    try {
      const events = await readOutbox(db, { all: true });
      expect(events.map(({ type, source, aggregate, payload }) => ({ type, source, aggregate, payload }))).toEqual([
        {
          type: 'shipment.delivered',
          source: 'logistics',
          aggregate: { type: 'Shipment', key: scanned.id },
          payload: { shipmentId: scanned.id, orderNumber: scanned.orderNumber, carrier: scanned.carrier, trackingNumber: scanned.trackingNumber, deliveredAt: at },
        },
        {
          type: 'shipment.delivered',
          source: 'logistics',
          aggregate: { type: 'Shipment', key: alreadyDelivered.id },
          payload: {
            shipmentId: alreadyDelivered.id,
            orderNumber: alreadyDelivered.orderNumber,
            carrier: alreadyDelivered.carrier,
            trackingNumber: alreadyDelivered.trackingNumber,
            deliveredAt: alreadyDelivered.deliveredAt,
          },
        },
      ]);
      for (const { seq: _seq, ...event } of events) expect(eventSchemas().validate(event)).toEqual({ ok: true });
    } finally {
      await db.close();
    }
  });
});
