import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../scripts/lib/processes.js';
import { ROOT } from '../scripts/lib/processes.js';
import { graphql, http } from './helpers/graphql.js';
import { readinessWhen } from './helpers/readiness.js';
import { mountedSigningKeyFile } from './helpers/tokens.js';
import { ACME_SUPERGRAPH, startAcme, startGateway, stopAll } from './fixtures/acme/harness.js';

const SPANNING_QUERY = /* GraphQL */ `
  {
    products {
      id
      name
      inStock
      reviews {
        id
        rating
        body
      }
    }
  }
`;
const SPANNING_DATA = {
  products: [
    { id: 'p1', name: 'Anvil', inStock: true, reviews: [{ id: 'r1', rating: 5, body: 'Heavy and dependable' }] },
    {
      id: 'p2',
      name: 'Rocket skates',
      inStock: false,
      reviews: [
        { id: 'r2', rating: 2, body: 'Hard to stop' },
        { id: 'r3', rating: 4, body: 'Fast' },
      ],
    },
    { id: 'p3', name: 'Giant magnet', inStock: true, reviews: [] },
  ],
};
const SUPERGRAPH_SDL = readFileSync(resolve(ROOT, ACME_SUPERGRAPH), 'utf8');
const SUPERGRAPH_HASH = createHash('sha256').update(SUPERGRAPH_SDL).digest('hex').slice(0, 12);

describe('gateway on the ACME supergraph', () => {
  let inventory: ServiceProcess;
  let reviews: ServiceProcess;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    [inventory, reviews] = await Promise.all([startAcme('inventory'), startAcme('reviews')]);
    gateway = await startGateway({ SUBGRAPH_INVENTORY_URL: `${inventory.url}/graphql`, SUBGRAPH_REVIEWS_URL: `${reviews.url}/graphql` });
  });
  afterAll(() => stopAll([gateway, inventory, reviews]));

  it('answers a query spanning both subgraphs', async () => {
    const response = await graphql(gateway.url, SPANNING_QUERY);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: SPANNING_DATA });
  });

  // @apollo/gateway drops the subgraph's `locations` (they point into the subgraph's operation).
  it("passes a subgraph's own error through with its extensions, adding the subgraph", async () => {
    const response = await graphql(gateway.url, '{ reviewsWithRating(rating: 9) { id } }');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: null,
      errors: [
        {
          message: 'rating must be between 1 and 5',
          path: ['reviewsWithRating'],
          extensions: { code: 'BAD_USER_INPUT', system: 'feedback', field: 'rating', subgraph: 'reviews', serviceName: 'reviews' },
        },
      ],
    });
  });

  it('passes an entity-level error through at its path in the client operation', async () => {
    const response = await graphql(gateway.url, '{ product(id: "p9") { name reviews { id } } }');
    expect(response.body).toEqual({
      data: { product: { name: 'Prototype', reviews: null } },
      errors: [
        {
          message: 'reviews of p9 are archived',
          path: ['product', 'reviews'],
          extensions: { code: 'NOT_FOUND', system: 'feedback', subgraph: 'reviews', serviceName: 'reviews' },
        },
      ],
    });
  });

  it('keeps the detail of an unexpected subgraph error outside production', async () => {
    const response = await graphql(gateway.url, '{ inventoryFailure }');
    expect(response.body.data).toEqual({ inventoryFailure: null });
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors?.[0]).toMatchObject({
      message: 'disk /var/acme/inventory.db is corrupt',
      path: ['inventoryFailure'],
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', subgraph: 'inventory', system: 'inventory', serviceName: 'inventory' },
    });
  });

  it('forwards x-request-id to every subgraph and echoes it', async () => {
    const response = await graphql(gateway.url, '{ inventoryRequestId products { reviewsRequestId } }', undefined, { 'x-request-id': 'req-acme-1' });
    expect(response.headers['x-request-id']).toBe('req-acme-1');
    expect(response.body).toEqual({
      data: {
        inventoryRequestId: 'req-acme-1',
        products: [{ reviewsRequestId: 'req-acme-1' }, { reviewsRequestId: 'req-acme-1' }, { reviewsRequestId: 'req-acme-1' }],
      },
    });
  });

  it('generates a request id when the caller sends none or one longer than 128 characters', async () => {
    for (const headers of [{}, { 'x-request-id': 'x'.repeat(129) }] as Array<Record<string, string>>) {
      const response = await graphql(gateway.url, '{ inventoryRequestId }', undefined, headers);
      const id = response.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(response.body).toEqual({ data: { inventoryRequestId: id } });
    }
  });

  it('answers /healthz', async () => {
    expect(await http('GET', `${gateway.url}/healthz`)).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('answers /readyz with the supergraph version and every subgraph up', async () => {
    const readiness = await readinessWhen(gateway.url);
    const judged = { since: expect.any(String), checkedAt: expect.any(String), failures: 0 };
    expect(readiness).toEqual({
      status: 'ready',
      supergraph: { hash: SUPERGRAPH_HASH, source: resolve(ROOT, ACME_SUPERGRAPH), loadedAt: expect.any(String), refused: null },
      probeIntervalMs: 2000,
      subgraphs: [
        { name: 'inventory', url: `${inventory.url}/graphql`, state: 'up', breaker: 'closed', ...judged },
        { name: 'reviews', url: `${reviews.url}/graphql`, state: 'up', breaker: 'closed', ...judged },
      ],
    });
  });

  it('answers a browser opening /graphql with the explorer, which loads nothing from another origin, and a client without a query with an error', async () => {
    for (const headers of [{ accept: 'text/html' }, { accept: 'text/html', 'apollo-require-preflight': 'true' }] as Array<Record<string, string>>) {
      const page = await http('GET', `${gateway.url}/graphql`, { headers });
      expect(page.status).toBe(200);
      expect(String(page.headers['content-type'])).toContain('text/html');
      expect(String(page.headers['content-security-policy'])).toContain("default-src 'none'");
      const html = String(page.body);
      expect(html).not.toMatch(/https?:\/\//i);
      // Every script and stylesheet is the gateway's own.
      for (const [, url] of html.matchAll(/(?:src|href)="([^"]+)"/g)) expect(url).toMatch(/^(\/explorer\/|data:)/);
    }
    const response = await http('GET', `${gateway.url}/graphql`, { headers: {} });
    expect(response.status).toBe(400);
    expect(String(response.headers['content-type'])).not.toContain('html');
  });
});

describe('gateway in production, supergraph loaded from a URL', () => {
  const keyDir = mkdtempSync(join(tmpdir(), 'bizgraph-federation-keys-'));
  let inventory: ServiceProcess;
  let reviews: ServiceProcess;
  let gateway: ServiceProcess;
  let supergraphServer: Server;
  let supergraphUrl: string;

  beforeAll(async () => {
    supergraphServer = createServer((request, response) => {
      if (request.url === '/acme/supergraph.graphql') response.writeHead(200, { 'content-type': 'text/plain' }).end(SUPERGRAPH_SDL);
      else response.writeHead(404).end();
    });
    await new Promise<void>((done) => supergraphServer.listen(0, '127.0.0.1', done));
    const address = supergraphServer.address();
    supergraphUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/acme/supergraph.graphql`;
    [inventory, reviews] = await Promise.all([startAcme('inventory'), startAcme('reviews')]);
    gateway = await startGateway(
      {
        NODE_ENV: 'production',
        // Production requires an identity provider; these requests carry no token, so its keys are never fetched.
        JWT_JWKS_URL: supergraphUrl.replace('supergraph.graphql', 'jwks.json'),
        // And the internal-token key every replica shares, mounted.
        GATEWAY_SIGNING_KEY_FILE: await mountedSigningKeyFile(keyDir),
        SUBGRAPH_INVENTORY_URL: `${inventory.url}/graphql`,
        SUBGRAPH_REVIEWS_URL: `${reviews.url}/graphql`,
      },
      ['--supergraph', supergraphUrl],
    );
  });
  afterAll(async () => {
    await stopAll([gateway, inventory, reviews]);
    rmSync(keyDir, { recursive: true, force: true });
    await new Promise((done) => supergraphServer?.close(done));
  });

  it('serves the supergraph it fetched and names its URL in /readyz', async () => {
    expect((await graphql(gateway.url, SPANNING_QUERY)).body).toEqual({ data: SPANNING_DATA });
    const ready = await http('GET', `${gateway.url}/readyz`);
    expect(ready.body).toMatchObject({ status: 'ready', supergraph: { hash: SUPERGRAPH_HASH, source: supergraphUrl } });
  });

  it('masks an unexpected subgraph error, still naming the subgraph', async () => {
    const response = await graphql(gateway.url, '{ inventoryFailure }');
    expect(response.body).toEqual({
      data: { inventoryFailure: null },
      errors: [{ message: 'Internal error', path: ['inventoryFailure'], extensions: { code: 'INTERNAL_SERVER_ERROR', subgraph: 'inventory', system: 'inventory' } }],
    });
  });

  it('keeps registry errors as they are', async () => {
    const response = await graphql(gateway.url, '{ reviewsWithRating(rating: 0) { id } }');
    expect(response.body.errors).toEqual([
      {
        message: 'rating must be between 1 and 5',
        path: ['reviewsWithRating'],
        extensions: { code: 'BAD_USER_INPUT', system: 'feedback', field: 'rating', subgraph: 'reviews', serviceName: 'reviews' },
      },
    ]);
  });

  it('refuses introspection in production', async () => {
    const response = await graphql(gateway.url, '{ __schema { queryType { name } } }');
    // Production allows introspection only to principals with schema:introspect (test/limits-introspection.test.ts).
    expect(response.status).toBe(403);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
