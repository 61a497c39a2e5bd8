import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../systems/seed/generate.js';
import type { SeedShipment } from '../systems/seed/types.js';
import { graphql, http } from './helpers/graphql.js';
import { borrowStack, type SharedStack } from './helpers/shared-stack.js';
import { bearer } from './helpers/tokens.js';

/**
 * The fifth system through the gateway: logistics is part of the supergraph, `Order.shipments`
 * answers from the logistics stand-in in ⌈orders / 100⌉ calls, its field policy follows the
 * presets (`logistics:read`), and a portal token sees only its own customer's parcels.
 */
const dataset = generateDataset();
const byOrder = new Map<string, SeedShipment[]>();
for (const shipment of dataset.shipments) byOrder.set(shipment.orderNumber, [...(byOrder.get(shipment.orderNumber) ?? []), shipment]);
const ORDER = 'query ($number: String!) { order(number: $number) { number status shipments { carrier trackingNumber status } } }';
const parcels = (number: string) => (byOrder.get(number) ?? []).map(({ carrier, trackingNumber, status }) => ({ carrier, trackingNumber, status }));

let stack: SharedStack;
const as = async (preset: 'sales' | 'finance' | 'portal', text: string, variables?: Record<string, unknown>) =>
  graphql(stack.gatewayUrl, text, variables, await bearer(stack.dataDir, { preset, ...(preset === 'portal' ? { customer: 'cus_0001' } : {}) }));
const logisticsCalls = async () => (await http<{ byRoute: Record<string, number> }>('GET', `${stack.systems.logistics.url}/_stats`)).body.byRoute;

beforeAll(async () => {
  stack = await borrowStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('logistics through the gateway', () => {
  it('answers Order.shipments for the sales preset (the README example)', async () => {
    const response = await as('sales', ORDER, { number: 'SO-100001' });
    expect(response.body).toEqual({ data: { order: { number: 'SO-100001', status: 'DELIVERED', shipments: parcels('SO-100001') } } });
  });

  it('fetches the shipments of 250 orders in 3 calls to the logistics system', async () => {
    await http('POST', `${stack.systems.logistics.url}/_stats/reset`);
    const response = await as('sales', '{ orders(first: 250) { nodes { number shipments { trackingNumber } } } }');
    const nodes = response.body.data!.orders.nodes as Array<{ number: string; shipments: unknown }>;
    expect(nodes).toHaveLength(250);
    expect(nodes).toEqual(nodes.map(({ number }) => ({ number, shipments: (byOrder.get(number) ?? []).map(({ trackingNumber }) => ({ trackingNumber })) })));
    expect(await logisticsCalls()).toEqual({ 'GET /shipments': 3 });
  });

  it('answers null + UNAUTHORIZED_FIELD_OR_TYPE to a token without logistics:read', async () => {
    const response = await as('finance', ORDER, { number: 'SO-100001' });
    expect(response.body).toEqual({
      data: { order: { number: 'SO-100001', status: 'DELIVERED', shipments: null } },
      errors: [
        { message: 'Not authorized to read Order.shipments', path: ['order', 'shipments'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', coordinate: 'Order.shipments' } },
      ],
    });
  });

  it('shows a portal token only the parcels of its own customer', async () => {
    const own = dataset.shipments.filter((shipment) => shipment.customerId === 'cus_0001');
    const other = dataset.shipments.find((shipment) => shipment.customerId !== 'cus_0001')!;
    const response = await as('portal', 'query ($other: ID!) { shipments(first: 100) { nodes { id } } shipment(id: $other) { id } }', { other: other.id });
    expect(response.body.data).toEqual({ shipments: { nodes: own.map(({ id }) => ({ id })) }, shipment: null });
    expect(response.body.errors?.map((error) => [error.path, error.extensions?.code, error.extensions?.system])).toEqual([[['shipment'], 'FORBIDDEN', 'logistics']]);
  });
});
