import { afterAll, beforeAll, describe, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import type { SeedShipment } from '../../systems/seed/types.js';
import { BATCH_SIZES, expectBatched, keysWithUnknown, restCallsFor, startRestBatchingTarget, type BatchingTarget, type FanOutCase } from '../../test/helpers/batching.js';

/**
 * DataLoader audit of the logistics subgraph: every path that can fan out costs ⌈keys / 100⌉ calls
 * to the logistics system, counted at the stand-in, for 10, 100 and 1000 keys. SEED_SCALE 1 seeds
 * about 3,100 shipments for about 2,800 shipped or delivered orders; n = 1000 is 999 real keys plus one unknown.
 */
const SCALE = 1;
const dataset = generateDataset({ scale: SCALE });
const shipments = dataset.shipments;
const byId = new Map(shipments.map((shipment) => [shipment.id, shipment]));
const byOrder = new Map<string, SeedShipment[]>();
for (const shipment of shipments) byOrder.set(shipment.orderNumber, [...(byOrder.get(shipment.orderNumber) ?? []), shipment]);

const FIELDS = 'id carrier status deliveredAt order { number }';
const shipmentJson = (shipment: SeedShipment) => ({
  id: shipment.id,
  carrier: shipment.carrier,
  status: shipment.status,
  deliveredAt: shipment.deliveredAt,
  // A reference only: the ERP resolves the rest, at no logistics call.
  order: { number: shipment.orderNumber },
});

const CASES: FanOutCase[] = [
  {
    // loaders.shipmentById: DataLoader, maxBatchSize 100 → one GET /shipments?ids=… per 100 ids.
    path: 'Shipment.__resolveReference(id)',
    request: (n) => {
      const ids = keysWithUnknown(
        shipments.map((shipment) => shipment.id),
        n,
        'shp_999999',
      );
      return {
        query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Shipment { ${FIELDS} } } }`,
        variables: { r: ids.map((id) => ({ __typename: 'Shipment', id })) },
        data: { _entities: ids.map((id) => (byId.has(id) ? shipmentJson(byId.get(id)!) : null)) },
        counts: { 'GET /shipments': restCallsFor(n) },
      };
    },
  },
  {
    // loaders.shipmentsByOrderNumber: DataLoader, maxBatchSize 100 → GET /shipments?orderNumbers=…
    path: 'Order.shipments (Order by number)',
    request: (n) => {
      const numbers = keysWithUnknown(
        dataset.orders.map((order) => order.number),
        n,
        'SO-999999',
      );
      return {
        query: /* GraphQL */ `
          query ($r: [_Any!]!) {
            _entities(representations: $r) {
              ... on Order {
                number
                shipments {
                  id
                  status
                }
              }
            }
          }
        `,
        variables: { r: numbers.map((number) => ({ __typename: 'Order', number })) },
        data: { _entities: numbers.map((number) => ({ number, shipments: (byOrder.get(number) ?? []).map(({ id, status }) => ({ id, status })) })) },
        counts: { 'GET /shipments': restCallsFor(n) },
      };
    },
  },
  {
    // Query.shipments walks the system's pages (≤ 100 a call); order is a reference.
    path: 'Query.shipments(first: n) with order',
    request: (n) => ({
      query: `query ($n: Int) { shipments(first: $n) { nodes { ${FIELDS} } } }`,
      variables: { n },
      data: { shipments: { nodes: shipments.slice(0, n).map(shipmentJson) } },
      counts: { 'GET /shipments': restCallsFor(n) },
    }),
  },
];

let logistics: BatchingTarget;
beforeAll(async () => {
  logistics = await startRestBatchingTarget('logistics', SCALE);
});
afterAll(async () => {
  await logistics?.stop();
});

describe.each(CASES)('logistics fan-out $path', (fanOut) => {
  it.each(BATCH_SIZES)('answers %i keys with ⌈n / 100⌉ calls to the logistics system', async (n) => {
    await expectBatched(logistics, fanOut.request(n));
  });
});
