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
});
