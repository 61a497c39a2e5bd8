import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../scripts/lib/processes.js';
import { failedFetch } from './helpers/failed-fetch.js';
import { http, withoutTraceId } from './helpers/graphql.js';
import { eventually, freePort, startAcme, startGateway, stopAll } from './fixtures/acme/harness.js';

const QUERY = '{ products { id name reviews { id } } }';
const FULL_DATA = {
  products: [
    { id: 'p1', name: 'Anvil', reviews: [{ id: 'r1' }] },
    { id: 'p2', name: 'Rocket skates', reviews: [{ id: 'r2' }, { id: 'r3' }] },
    { id: 'p3', name: 'Giant magnet', reviews: [] },
  ],
};
/** What the inventory still answers when reviews cannot. */
const WITHOUT_REVIEWS = {
  products: [
    { id: 'p1', name: 'Anvil', reviews: null },
    { id: 'p2', name: 'Rocket skates', reviews: null },
    { id: 'p3', name: 'Giant magnet', reviews: null },
  ],
};
/** Where the reviews fetch would have put its answer: each product's `reviews`. */
const REVIEW_PATHS = [0, 1, 2].map((index) => ['products', index, 'reviews']);
const unavailable = (system = 'reviews') =>
  failedFetch({ message: 'Subgraph "reviews" is unavailable', extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'reviews', system } }, REVIEW_PATHS);

/** POSTs the query with a generous client-side bound: failing it fails the test (not a speed check). */
async function query(gatewayUrl: string, text = QUERY): Promise<{ status: number; body: unknown }> {
  const response = await request(`${gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: text }),
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const body: unknown = await response.body.json();
  withoutTraceId(body);
  return { status: response.statusCode, body };
}

async function readiness(gatewayUrl: string) {
  return http<{ status: string; subgraphs: Array<{ name: string; state: string; error?: string }> }>('GET', `${gatewayUrl}/readyz`);
}

/** Probes run in the background (HEALTH_PROBE_INTERVAL_MS): /readyz is read until every subgraph has been judged. */
const PROBING = { HEALTH_PROBE_INTERVAL_MS: '250' };
async function settledReadiness(gatewayUrl: string) {
  return eventually(async () => {
    const ready = await readiness(gatewayUrl);
    if (ready.body.subgraphs.some((subgraph) => subgraph.state === 'unknown')) throw new Error(`not judged yet: ${JSON.stringify(ready.body)}`);
    return ready;
  });
}

describe('gateway when a subgraph fails', () => {
  let inventory: ServiceProcess;
  const started: Array<ServiceProcess | undefined> = [];
  const start = async (promise: Promise<ServiceProcess>) => {
    const service = await promise;
    started.push(service);
    return service;
  };

  beforeAll(async () => {
    inventory = await start(startAcme('inventory'));
  });
  afterAll(() => stopAll(started));

  it("answers SUBGRAPH_TIMEOUT with the other subgraph's data when a subgraph hangs", async () => {
    const gateway = await start(
      startGateway({ ...PROBING, SUBGRAPH_TIMEOUT_MS: '300', SUBGRAPH_INVENTORY_URL: `${inventory.url}/graphql`, SUBGRAPH_REVIEWS_URL: `${inventory.url}/hang` }),
    );
    expect(await query(gateway.url)).toEqual({
      status: 200,
      body: {
        data: WITHOUT_REVIEWS,
        errors: failedFetch(
          { message: 'Subgraph "reviews" did not answer within 300 ms', extensions: { code: 'SUBGRAPH_TIMEOUT', subgraph: 'reviews', system: 'reviews' } },
          REVIEW_PATHS,
        ),
      },
    });
    const ready = await settledReadiness(gateway.url);
    expect(ready.status).toBe(200);
    const judged = { since: expect.any(String), checkedAt: expect.any(String) };
    expect(ready.body.subgraphs).toEqual([
      { name: 'inventory', url: `${inventory.url}/graphql`, state: 'up', failures: 0, breaker: 'closed', ...judged },
      { name: 'reviews', url: `${inventory.url}/hang`, state: 'down', failures: expect.any(Number), error: 'no answer within 250 ms', breaker: 'closed', ...judged },
    ]);
  });

  it('answers SUBGRAPH_UNAVAILABLE, naming the configured system, when a subgraph answers 503 without GraphQL', async () => {
    const gateway = await start(
      startGateway({ SUBGRAPH_INVENTORY_URL: `${inventory.url}/graphql`, SUBGRAPH_REVIEWS_URL: `${inventory.url}/broken`, SUBGRAPH_REVIEWS_SYSTEM: 'feedback' }),
    );
    expect(await query(gateway.url)).toEqual({ status: 200, body: { data: WITHOUT_REVIEWS, errors: unavailable('feedback') } });
  });

  it('passes through the GraphQL errors of a non-2xx answer instead of its status', async () => {
    const gateway = await start(startGateway({ SUBGRAPH_INVENTORY_URL: `${inventory.url}/graphql`, SUBGRAPH_REVIEWS_URL: `${inventory.url}/failing` }));
    expect(await query(gateway.url)).toEqual({
      status: 200,
      body: {
        data: WITHOUT_REVIEWS,
        errors: [
          {
            message: 'feedback store is read-only',
            extensions: { code: 'UPSTREAM_ERROR', system: 'feedback', subgraph: 'reviews', serviceName: 'reviews' },
          },
        ],
      },
    });
  });

  it('starts while a subgraph is down, lists it down, serves it once it is up, and survives its death', async () => {
    const port = await freePort();
    const gateway = await start(startGateway({ ...PROBING, SUBGRAPH_INVENTORY_URL: `${inventory.url}/graphql`, SUBGRAPH_REVIEWS_URL: `http://127.0.0.1:${port}/graphql` }));

    // Judged, and inventory seen up: on a crowded machine one 250 ms probe of it may time out first.
    const down = await eventually(async () => {
      const ready = await settledReadiness(gateway.url);
      if (ready.body.subgraphs[0]?.state !== 'up') throw new Error(`inventory not up yet: ${JSON.stringify(ready.body)}`);
      return ready;
    });
    expect(down.status).toBe(200);
    expect(down.body.status).toBe('ready');
    expect(down.body.subgraphs.map(({ name, state }) => ({ name, state }))).toEqual([
      { name: 'inventory', state: 'up' },
      { name: 'reviews', state: 'down' },
    ]);
    expect(down.body.subgraphs[1]?.error).toMatch(/ECONNREFUSED/);
    expect(await query(gateway.url)).toEqual({ status: 200, body: { data: WITHOUT_REVIEWS, errors: unavailable() } });

    const reviews = await start(startAcme('reviews', port));
    await eventually(async () => {
      const ready = await readiness(gateway.url);
      if (ready.body.subgraphs[1]?.state !== 'up') throw new Error(`reviews still ${JSON.stringify(ready.body.subgraphs[1])}`);
    });
    expect(await query(gateway.url)).toEqual({ status: 200, body: { data: FULL_DATA } });

    await reviews.stop();
    expect(await query(gateway.url)).toEqual({ status: 200, body: { data: WITHOUT_REVIEWS, errors: unavailable() } });
    await eventually(async () => {
      const ready = await readiness(gateway.url);
      if (ready.status !== 200 || ready.body.subgraphs[1]?.state !== 'down') throw new Error(`reviews still ${JSON.stringify(ready.body)}`);
    });
  });
});
