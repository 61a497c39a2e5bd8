import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type ServiceProcess } from '../../scripts/lib/processes.js';
import { http } from '../../test/helpers/graphql.js';
import { generateDataset } from '../seed/generate.js';

/** The logistics stand-in's REST contract, over real HTTP, on the seeded data set. */
const KEY = 'test-logistics-key';
const auth = { 'x-api-key': KEY };
const dataset = generateDataset();
const dataDir = mkdtempSync(join(tmpdir(), 'logistics-system-'));
const env = { PORT: '0', BIZGRAPH_DATA_DIR: dataDir, LOGISTICS_API_KEY: KEY, SEED: undefined, SEED_SCALE: undefined, LOGISTICS_WEBHOOK_URL: undefined };
let system: ServiceProcess;
let url: string;

beforeAll(async () => {
  system = await startService({ name: 'logistics-system', entry: 'systems/logistics/main.ts', env });
  url = system.url;
});
afterAll(async () => {
  await system?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('logistics system', () => {
  it('refuses a call without the API key', async () => {
    expect((await http('GET', `${url}/shipments?ids=shp_000001`)).status).toBe(401);
  });

  it('reads shipments by ids and by order numbers, at most 100 keys a call', async () => {
    const [a, b] = dataset.shipments;
    expect((await http('GET', `${url}/shipments?ids=${b!.id},${a!.id},shp_999999`, { headers: auth })).body).toEqual({ data: [b, a] });
    const orphans = dataset.orphans.shipmentOrderNumbers;
    const byOrder = await http('GET', `${url}/shipments?orderNumbers=${orphans.join(',')}`, { headers: auth });
    expect(byOrder.body.data.map((shipment: { orderNumber: string }) => shipment.orderNumber)).toEqual(orphans);
    const tooMany = Array.from({ length: 101 }, (_, i) => `shp_${i}`).join(',');
    expect(await http('GET', `${url}/shipments?ids=${tooMany}`, { headers: auth })).toMatchObject({ status: 400, body: { error: { code: 'validation', field: 'ids' } } });
  });

  it('pages the whole list in id order, after the last id of the previous page', async () => {
    const page = await http('GET', `${url}/shipments?limit=3&after=${dataset.shipments[0]!.id}`, { headers: auth });
    expect(page.body).toEqual({ data: dataset.shipments.slice(1, 4), hasMore: true });
    const last = dataset.shipments.at(-1)!.id;
    expect((await http('GET', `${url}/shipments?limit=3&after=${last}`, { headers: auth })).body).toEqual({ data: [], hasMore: false });
    for (const [query, field] of [
      ['after=7', 'after'],
      ['offset=1', 'offset'],
    ]) {
      expect(await http('GET', `${url}/shipments?limit=3&${query}`, { headers: auth })).toMatchObject({ status: 400, body: { error: { code: 'validation', field } } });
    }
  });

  it('records a carrier status update, validates it, and keeps it across a restart', async () => {
    const id = dataset.shipments.find((shipment) => shipment.status === 'IN_TRANSIT')!.id;
    const bad = await http('POST', `${url}/shipments/${id}/events`, { headers: auth, body: { status: 'LOST' } });
    expect(bad).toMatchObject({ status: 400, body: { error: { field: 'status' } } });
    expect((await http('POST', `${url}/shipments/shp_999999/events`, { headers: auth, body: { status: 'DELIVERED' } })).status).toBe(404);
    const at = '2026-07-02T08:00:00.000Z';
    const updated = await http('POST', `${url}/shipments/${id}/events`, { headers: auth, body: { status: 'DELIVERED', location: 'Reception', at } });
    expect(updated.body).toMatchObject({ id, status: 'DELIVERED', deliveredAt: at });
    await system.stop();
    system = await startService({ name: 'logistics-system', entry: 'systems/logistics/main.ts', env });
    url = system.url;
    expect((await http('GET', `${url}/shipments/${id}`, { headers: auth })).body).toMatchObject({ status: 'DELIVERED', deliveredAt: at });
  });

  it('creates a shipment with a new id', async () => {
    const created = await http('POST', `${url}/shipments`, { headers: auth, body: { orderNumber: 'SO-100005', customerId: 'cus_0001', carrier: 'DHL', trackingNumber: 'JD0001' } });
    expect(created).toMatchObject({ status: 201, body: { id: `shp_${String(dataset.shipments.length + 1).padStart(6, '0')}`, status: 'LABEL_CREATED', orderNumber: 'SO-100005' } });
  });

  it('creates one shipment per Idempotency-Key, and remembers the key across a restart', async () => {
    const order = { orderNumber: 'SO-990001', customerId: 'cus_0002', carrier: 'UPS', trackingNumber: '1Z0001' };
    const headers = { ...auth, 'idempotency-key': 'book-SO-990001' };
    const first = await http('POST', `${url}/shipments`, { headers, body: order });
    expect(first).toMatchObject({ status: 201, body: { status: 'LABEL_CREATED', ...order } });
    expect(await http('POST', `${url}/shipments`, { headers, body: order })).toMatchObject({ status: 200, body: first.body });
    const reused = await http('POST', `${url}/shipments`, { headers, body: { ...order, carrier: 'DHL' } });
    expect(reused).toMatchObject({ status: 422, body: { error: { code: 'idempotency_key_reused', field: 'Idempotency-Key' } } });
    await system.stop();
    system = await startService({ name: 'logistics-system', entry: 'systems/logistics/main.ts', env });
    url = system.url;
    expect(await http('POST', `${url}/shipments`, { headers, body: order })).toMatchObject({ status: 200, body: { id: first.body.id } });
    const byOrder = await http('GET', `${url}/shipments?orderNumbers=SO-990001`, { headers: auth });
    expect(byOrder.body.data.map((shipment: { id: string }) => shipment.id)).toEqual([first.body.id]);
    // Without a key every call is a new parcel, as before.
    const again = await http('POST', `${url}/shipments`, { headers: auth, body: order });
    expect(again).toMatchObject({ status: 201 });
    expect(again.body.id).not.toBe(first.body.id);
    const badKey = await http('POST', `${url}/shipments`, { headers: { ...auth, 'idempotency-key': 'x'.repeat(201) }, body: order });
    expect(badKey).toMatchObject({ status: 400, body: { error: { field: 'Idempotency-Key' } } });
  });

  it('cancels a shipment the carrier has not picked up, again harmlessly, and refuses one it has', async () => {
    const created = await http('POST', `${url}/shipments`, { headers: auth, body: { orderNumber: 'SO-990002', customerId: 'cus_0003', carrier: 'GLS', trackingNumber: 'GL0001' } });
    const cancel = (id: string) => http('POST', `${url}/shipments/${id}/cancel`, { headers: auth });
    const cancelled = await cancel(created.body.id);
    expect(cancelled).toMatchObject({ status: 200, body: { id: created.body.id, status: 'CANCELLED' } });
    expect(cancelled.body.events.map((event: { status: string }) => event.status)).toEqual(['LABEL_CREATED', 'CANCELLED']);
    expect(await cancel(created.body.id)).toMatchObject({ status: 200, body: { status: 'CANCELLED', events: cancelled.body.events } });
    const scan = await http('POST', `${url}/shipments/${created.body.id}/events`, { headers: auth, body: { status: 'IN_TRANSIT' } });
    expect(scan).toMatchObject({ status: 409, body: { error: { code: 'cancelled' } } });
    const shipped = dataset.shipments.find((shipment) => shipment.status === 'OUT_FOR_DELIVERY')!;
    expect(await cancel(shipped.id)).toMatchObject({ status: 409, body: { error: { code: 'already_shipped' } } });
    expect((await http('GET', `${url}/shipments/${shipped.id}`, { headers: auth })).body).toMatchObject({ status: 'OUT_FOR_DELIVERY' });
    expect((await cancel('shp_999999')).status).toBe(404);
  });
});
