import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../scripts/lib/processes.js';
import { http } from './helpers/graphql.js';
import { startAcme, startGateway, stopAll } from './fixtures/acme/harness.js';
import { countRequestsTo, type UpstreamCounter } from './limits-upstream-counter.js';

/** Batched HTTP requests (a JSON array of operations) on a gateway with the default cap of 10. */
describe('batched HTTP requests', () => {
  let inventory: ServiceProcess;
  let gateway: ServiceProcess;
  let counter: UpstreamCounter;
  const post = async (body: unknown) => {
    const { status, body: answer } = await http('POST', `${gateway.url}/graphql`, { body });
    return { status, body: answer as unknown };
  };
  const productQuery = (id: string) => ({ query: 'query Product($id: ID!) { product(id: $id) { id name } }', variables: { id } });

  beforeAll(async () => {
    inventory = await startAcme('inventory');
    counter = await countRequestsTo(inventory.url);
    // Reviews is never asked for here: a dead URL proves it.
    gateway = await startGateway({ SUBGRAPH_INVENTORY_URL: `${counter.url}/graphql`, SUBGRAPH_REVIEWS_URL: 'http://127.0.0.1:9/graphql', LIMIT_MAX_DEPTH: '2' });
  });
  afterAll(async () => {
    await stopAll([gateway, inventory]);
    await counter.close();
  });
  beforeEach(() => counter.reset());

  it('answers each operation of a batch of LIMIT_MAX_BATCH (default 10), in order', async () => {
    const ids = ['p1', 'p2', 'p3', 'p9', 'p1', 'p2', 'p3', 'p9', 'p1', 'nope'];
    const response = await post(ids.map(productQuery));
    const names: Record<string, string> = { p1: 'Anvil', p2: 'Rocket skates', p3: 'Giant magnet', p9: 'Prototype' };
    expect(response.status).toBe(200);
    expect(response.body).toEqual(ids.map((id) => ({ data: { product: names[id] ? { id, name: names[id] } : null } })));
    expect(counter.count()).toBe(10);
  });

  it('refuses a batch of more operations with one OPERATION_LIMIT_EXCEEDED error, running none', async () => {
    const response = await post(Array.from({ length: 11 }, () => productQuery('p1')));
    expect(response).toEqual({
      status: 400,
      body: {
        errors: [{ message: 'Batch of 11 operations exceeds the limit of 10', extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit: 'batch', max: 10, found: 11 } }],
      },
    });
    expect(counter.count()).toBe(0);
  });

  it('holds each operation of an accepted batch to the operation limits (the batch answers 400)', async () => {
    const response = await post([productQuery('p1'), { query: '{ products { reviews { id } } }' }]);
    // Apollo Server shares one HTTP status across a batch: the refused operation's 400.
    expect(response.status).toBe(400);
    expect(response.body).toEqual([
      { data: { product: { id: 'p1', name: 'Anvil' } } },
      { errors: [{ message: 'Operation depth 3 exceeds the limit of 2', extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit: 'depth', max: 2, found: 3 } }] },
    ]);
    expect(counter.count()).toBe(1);
  });

  it('answers a batch of one as a batch, and an empty batch with BAD_REQUEST', async () => {
    expect(await post([productQuery('p2')])).toEqual({ status: 200, body: [{ data: { product: { id: 'p2', name: 'Rocket skates' } } }] });
    expect(await post([])).toEqual({ status: 400, body: { errors: [{ message: 'No operations found in request.', extensions: { code: 'BAD_REQUEST' } }] } });
  });
});
