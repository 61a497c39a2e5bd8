import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../scripts/lib/processes.js';
import { startAcme, startGateway, stopAll } from './fixtures/acme/harness.js';
import { graphql, http } from './helpers/graphql.js';

/** `METRICS=off`, for a deployment that scrapes nothing: no counting on the request path, no `/metrics` route. */
describe('a gateway with METRICS=off', () => {
  let processes: ServiceProcess[] = [];
  let gatewayUrl = '';

  beforeAll(async () => {
    const [inventory, reviews] = await Promise.all([startAcme('inventory'), startAcme('reviews')]);
    const gateway = await startGateway({ METRICS: 'off', SUBGRAPH_INVENTORY_URL: `${inventory.url}/graphql`, SUBGRAPH_REVIEWS_URL: `${reviews.url}/graphql` });
    processes = [gateway, inventory, reviews];
    gatewayUrl = gateway.url;
  });
  afterAll(() => stopAll(processes));

  it('answers as before and serves no /metrics', async () => {
    const response = await graphql(`${gatewayUrl}/graphql`, '{ __typename }');
    expect(response.body).toEqual({ data: { __typename: 'Query' } });
    expect((await http('GET', `${gatewayUrl}/metrics`)).status).toBe(404);
  });
});
