import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../scripts/lib/processes.js';
import { startAcme, startGateway, stopAll } from './fixtures/acme/harness.js';
import { graphql, http } from './helpers/graphql.js';

/**
 * The observability parts a deployment can switch off (what each costs is in the benchmark), on a
 * real gateway beside one with the defaults: `METRICS=off` counts nothing and serves no `/metrics`,
 * `REQUEST_LOG=off` writes no line per request while every other line stays.
 */
describe('observability switches', () => {
  let processes: ServiceProcess[] = [];
  let quiet: ServiceProcess;
  let defaults: ServiceProcess;

  beforeAll(async () => {
    const [inventory, reviews] = await Promise.all([startAcme('inventory'), startAcme('reviews')]);
    const urls = { SUBGRAPH_INVENTORY_URL: `${inventory.url}/graphql`, SUBGRAPH_REVIEWS_URL: `${reviews.url}/graphql` };
    [quiet, defaults] = await Promise.all([startGateway({ ...urls, METRICS: 'off', REQUEST_LOG: 'off' }), startGateway(urls)]);
    processes = [quiet, defaults, inventory, reviews];
  });
  afterAll(() => stopAll(processes));

  const requestLines = (gateway: ServiceProcess) => gateway.logLines().filter((line) => line.msg === 'request' && line.path === '/graphql');

  it('answer alike; only the defaults serve /metrics and log each request', async () => {
    for (const gateway of [quiet, defaults]) {
      expect((await graphql(`${gateway.url}/graphql`, '{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
    }
    expect((await http('GET', `${quiet.url}/metrics`)).status).toBe(404);
    expect((await http('GET', `${defaults.url}/metrics`)).status).toBe(200);
    // The line is written once the answer is sent: wait for the defaults' line before reading both.
    await expect.poll(() => requestLines(defaults).length).toBe(1);
    expect(requestLines(quiet)).toEqual([]);
    expect(quiet.logLines().some((line) => line.msg === 'listening')).toBe(true);
  });
});
