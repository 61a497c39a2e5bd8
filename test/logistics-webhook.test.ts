import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../scripts/lib/free-port.js';
import { LOGISTICS_KEY, startLogistics, type LogisticsProcesses } from './helpers/subgraphs/logistics.js';
import { generateDataset } from '../systems/seed/generate.js';
import { signWebhook } from '../systems/logistics/webhooks.js';
import { http } from './helpers/graphql.js';

/**
 * A carrier status update at the logistics system reaches the subgraph's entity cache through the
 * system's signed change webhook (`POST /webhooks/logistics`): the cached shipment and its order's
 * list are read again at once, not after their TTL. Real stand-in, real subgraph, real HTTP.
 */
const SECRET = 'logistics-webhook-test-secret';
const shipment = generateDataset().shipments.find((candidate) => candidate.status === 'IN_TRANSIT')!;
const QUERY = /* GraphQL */ `
  query ($id: ID!, $r: [_Any!]!) {
    shipment(id: $id) {
      status
      deliveredAt
      events {
        status
        location
      }
    }
    _entities(representations: $r) {
      ... on Order {
        shipments {
          id
          status
        }
      }
    }
  }
`;
const variables = { id: shipment.id, r: [{ __typename: 'Order', number: shipment.orderNumber }] };

let logistics: LogisticsProcesses;
const counters = async () => (await http<Record<string, number>>('GET', `${logistics.subgraph.url}/debug/counters`)).body;

beforeAll(async () => {
  // The stand-in must know the subgraph's webhook URL before the subgraph listens.
  const port = await freePort();
  logistics = await startLogistics(
    { PORT: String(port), ENTITY_CACHE: 'on', LOGISTICS_WEBHOOK_SECRET: SECRET },
    { LOGISTICS_WEBHOOK_URL: `http://127.0.0.1:${port}/webhooks/logistics`, LOGISTICS_WEBHOOK_SECRET: SECRET },
  );
});
afterAll(async () => {
  await logistics?.stop();
});

describe('logistics change webhook', () => {
  it('refreshes the cached shipment and its order after a carrier status update', async () => {
    const before = await logistics.query(QUERY, variables);
    expect(before.body.data!.shipment.status).toBe('IN_TRANSIT');
    await logistics.resetSystemCalls();
    // Cached: the same reads again cost the system nothing.
    expect((await logistics.query(QUERY, variables)).body).toEqual(before.body);
    expect(await logistics.systemCalls()).toEqual({});

    const update = await http('POST', `${logistics.system.url}/shipments/${shipment.id}/events`, {
      headers: { 'x-api-key': LOGISTICS_KEY },
      body: { status: 'DELIVERED', location: 'Front door', at: '2026-07-01T09:30:00.000Z' },
    });
    expect(update.status).toBe(200);
    // The webhook is delivered asynchronously after the system answered; wait until it arrived.
    await vi.waitFor(async () => expect((await counters()).logisticsWebhooksAccepted).toBe(1), { timeout: 10_000, interval: 50 });
    await logistics.resetSystemCalls();

    const after = await logistics.query(QUERY, variables);
    expect(after.body.data!.shipment).toEqual({
      status: 'DELIVERED',
      deliveredAt: '2026-07-01T09:30:00.000Z',
      events: [...shipment.events.map(({ status, location }) => ({ status, location })), { status: 'DELIVERED', location: 'Front door' }],
    });
    expect(after.body.data!._entities[0].shipments).toContainEqual({ id: shipment.id, status: 'DELIVERED' });
    // One call for the shipment, one for the order's list: both entries were dropped.
    expect(await logistics.systemCalls()).toEqual({ 'GET /shipments': 2 });
  });

  it('refuses a webhook whose signature does not match the body, without an internal token needed', async () => {
    const body = JSON.stringify({
      event: 'shipment.updated',
      shipmentId: shipment.id,
      orderNumber: shipment.orderNumber,
      status: 'DELIVERED',
      occurredAt: '2026-07-01T09:30:00.000Z',
    });
    const post = async (signature: string) => {
      const response = await request(`${logistics.subgraph.url}/webhooks/logistics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-logistics-signature': signature },
        body,
      });
      return { status: response.statusCode, body: await response.body.json() };
    };
    const rejectedBefore = (await counters()).logisticsWebhooksRejected ?? 0;
    expect((await post(signWebhook(body, 'another-secret'))).status).toBe(401);
    expect(await post(signWebhook(body, SECRET))).toEqual({ status: 200, body: { invalidated: shipment.id } });
    expect((await counters()).logisticsWebhooksRejected).toBe(rejectedBefore + 1);
  });
});
