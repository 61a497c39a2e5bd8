import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import type { SeedShipment } from '../../systems/seed/types.js';
import type { Principal } from '../shared/context.js';
import { encodeKeyCursor } from '../shared/cursor.js';
import { startLogistics, type LogisticsProcesses } from '../../test/helpers/subgraphs/logistics.js';

/**
 * Reads of the logistics subgraph over the real stand-in (seeded like `npm start`), called directly
 * with the gateway's internal token: every answer is compared with the seed, and every call the
 * stand-in served is counted.
 */
const dataset = generateDataset();
const shipmentsOf = (customerId: string) => dataset.shipments.filter((shipment) => shipment.customerId === customerId);
const [own, other] = [shipmentsOf('cus_0001')[0]!, shipmentsOf('cus_0002')[0]!];
const PORTAL: Principal = { subject: 'portal-user', scopes: ['erp:read', 'logistics:read'], customerId: 'cus_0001', email: 'unused@example.com' };

const FULL = 'id trackingNumber carrier status shippedAt estimatedDeliveryAt deliveredAt order { number } events { status at location }';
const full = (shipment: SeedShipment) => {
  const { orderNumber, customerId: _customerId, ...fields } = shipment;
  return { ...fields, order: { number: orderNumber } };
};
const codes = (errors: Array<{ path?: unknown; extensions?: Record<string, unknown> }> | undefined) =>
  (errors ?? []).map((error) => ({ path: error.path, code: error.extensions?.code, system: error.extensions?.system }));

let logistics: LogisticsProcesses;
beforeAll(async () => {
  logistics = await startLogistics();
});
afterAll(async () => {
  await logistics?.stop();
});
beforeEach(async () => {
  await logistics.resetSystemCalls();
});

describe('logistics reads', () => {
  it('answers shipment(id) with every field, from one call', async () => {
    const response = await logistics.query(`query ($id: ID!) { shipment(id: $id) { ${FULL} } }`, { id: own.id });
    expect(response.body).toEqual({ data: { shipment: full(own) } });
    expect(await logistics.systemCalls()).toEqual({ 'GET /shipments': 1 });
  });

  it('answers null for an unknown id', async () => {
    const response = await logistics.query('{ shipment(id: "shp_999999") { id } }');
    expect(response.body).toEqual({ data: { shipment: null } });
  });

  it('pages shipments oldest first with a cursor', async () => {
    const first = await logistics.query('{ shipments(first: 2) { nodes { id } pageInfo { hasNextPage endCursor } } }');
    expect(first.body.data!.shipments.nodes).toEqual(dataset.shipments.slice(0, 2).map(({ id }) => ({ id })));
    const second = await logistics.query('query ($after: String) { shipments(first: 3, after: $after) { nodes { id } pageInfo { hasNextPage } } }', {
      after: first.body.data!.shipments.pageInfo.endCursor,
    });
    expect(second.body).toEqual({ data: { shipments: { nodes: dataset.shipments.slice(2, 5).map(({ id }) => ({ id })), pageInfo: { hasNextPage: true } } } });
    expect(await logistics.systemCalls()).toEqual({ 'GET /shipments': 2 });
  });

  it('passes the last id to the carrier as its keyset cursor, and refuses cursors it did not hand out', async () => {
    const first = await logistics.query('{ shipments(first: 2) { pageInfo { endCursor } } }');
    const after = first.body.data!.shipments.pageInfo.endCursor as string;
    const last = dataset.shipments.at(-1)!.id;
    const tail = await logistics.query('query ($after: String) { shipments(first: 1, after: $after) { nodes { id } pageInfo { hasNextPage } } }', {
      after: encodeKeyCursor('logistics.shipments', [dataset.shipments.at(-2)!.id]),
    });
    expect(tail.body).toEqual({ data: { shipments: { nodes: [{ id: last }], pageInfo: { hasNextPage: false } } } });
    for (const bad of [encodeKeyCursor('logistics.shipments', ['not-an-id']), encodeKeyCursor('erp.products', [1]), Buffer.from('o:1').toString('base64url'), `${after}!`]) {
      const response = await logistics.query('query ($after: String) { shipments(after: $after) { nodes { id } } }', { after: bad });
      expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after', system: 'logistics' });
    }
  });

  it('pages a portal principal’s own shipments by id in memory', async () => {
    const mine = shipmentsOf('cus_0001');
    const text = 'query ($after: String) { shipments(first: 1, after: $after) { nodes { id } pageInfo { endCursor } } }';
    const first = await logistics.query(text, {}, PORTAL);
    const second = await logistics.query(text, { after: first.body.data!.shipments.pageInfo.endCursor }, PORTAL);
    expect([...first.body.data!.shipments.nodes, ...second.body.data!.shipments.nodes]).toEqual(mine.slice(0, 2).map(({ id }) => ({ id })));
  });

  it('answers Order.shipments for an order, and an empty list for an order that never shipped', async () => {
    const draft = dataset.orders.find((order) => order.statusCode === 'D')!;
    const response = await logistics.query('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { number shipments { id } } } }', {
      r: [own.orderNumber, draft.number].map((number) => ({ __typename: 'Order', number })),
    });
    const expected = dataset.shipments.filter((shipment) => shipment.orderNumber === own.orderNumber).map(({ id }) => ({ id }));
    expect(response.body).toEqual({
      data: {
        _entities: [
          { number: own.orderNumber, shipments: expected },
          { number: draft.number, shipments: [] },
        ],
      },
    });
    expect(await logistics.systemCalls()).toEqual({ 'GET /shipments': 1 });
  });
});

describe('logistics row-level rule (portal principal of cus_0001)', () => {
  it('serves its own shipment and refuses another customer’s with FORBIDDEN', async () => {
    const response = await logistics.query('query ($a: ID!, $b: ID!) { a: shipment(id: $a) { id } b: shipment(id: $b) { id } }', { a: own.id, b: other.id }, PORTAL);
    expect(response.body.data).toEqual({ a: { id: own.id }, b: null });
    expect(codes(response.body.errors)).toEqual([{ path: ['b'], code: 'FORBIDDEN', system: 'logistics' }]);
  });

  it('lists only its own shipments, from one call by customer', async () => {
    const response = await logistics.query('{ shipments(first: 1000) { nodes { id } pageInfo { hasNextPage } } }', {}, PORTAL);
    expect(response.body).toEqual({ data: { shipments: { nodes: shipmentsOf('cus_0001').map(({ id }) => ({ id })), pageInfo: { hasNextPage: false } } } });
    expect(await logistics.systemCalls()).toEqual({ 'GET /shipments': 1 });
  });

  it('sees no parcels of another customer’s order', async () => {
    const response = await logistics.query(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { shipments { id } } } }',
      {
        r: [{ __typename: 'Order', number: other.orderNumber }],
      },
      PORTAL,
    );
    expect(response.body).toEqual({ data: { _entities: [{ shipments: [] }] } });
  });
});
