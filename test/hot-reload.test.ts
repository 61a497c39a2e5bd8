import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './helpers/graphql.js';
import { scrape } from './helpers/metrics.js';
import { bearer } from './helpers/tokens.js';
import { CATALOG_DEPLOYED, CATALOG_NARROWED, eventually, startReloadGraph, type ReloadGraph } from './fixtures/reload/harness.js';

/**
 * Supergraph hot reload with real processes: two fixture subgraphs, the real compose tool writing
 * the supergraph file, and a gateway polling it every 500 ms (SUPERGRAPH_POLL_INTERVAL_MS).
 */
const SPANNING = '{ products { id name inStock } }';
const SPANNING_DATA = {
  products: [
    { id: 'p1', name: 'Anvil', inStock: true },
    { id: 'p2', name: 'Rocket skates', inStock: false },
  ],
};
const CLIENTS = 20;
const LOAD_MS = 30_000;
const REFUSED_LOG = 'supergraph refused, keeps serving the active version';

describe('supergraph hot reload', () => {
  let graph: ReloadGraph;
  let firstVersion: string;
  /** The version with `Product.color`, applied under load. */
  let composedVersion: string;

  beforeAll(async () => {
    graph = await startReloadGraph();
    firstVersion = graph.fileVersion();
  });
  afterAll(async () => graph?.stop());

  const reloads = async () => {
    const metrics = await scrape(graph.gateway.url);
    return {
      applied: metrics.sum('bizgraph_supergraph_reloads_total', { outcome: 'applied' }),
      refused: metrics.sum('bizgraph_supergraph_reloads_total', { outcome: 'refused' }),
      metrics,
    };
  };

  it('serves the first version and names it in /readyz and the metrics', async () => {
    // Subgraphs are probed in the background: read until both have been judged.
    const ready = await eventually('both subgraphs are probed', async () => {
      const body = await graph.readyz();
      return body.subgraphs.every(({ state }) => state !== 'unknown') ? body : undefined;
    });
    expect(ready.supergraph).toEqual({ hash: firstVersion, source: graph.supergraphPath, loadedAt: expect.any(String), refused: null });
    expect(ready.subgraphs.map(({ name, state }) => [name, state])).toEqual([
      ['catalog', 'up'],
      ['stock', 'up'],
    ]);
    const { applied, refused, metrics } = await reloads();
    expect({ applied, refused }).toEqual({ applied: 0, refused: 0 });
    expect(metrics.samples.filter((sample) => sample.name === 'bizgraph_supergraph_info')).toEqual([
      { name: 'bizgraph_supergraph_info', labels: { version: firstVersion }, value: 1 },
    ]);
    // Served by the catalog already, not yet in the supergraph.
    const color = await graphql(graph.gateway.url, '{ products { color } }');
    expect(color.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it(`swaps to a composed change while ${CLIENTS} clients query for 30 s, without one failed request`, { timeout: 120_000 }, async () => {
    let done = false;
    let answered = 0;
    const failures: string[] = [];
    const client = async () => {
      while (!done) {
        try {
          const { status, body } = await graphql(graph.gateway.url, SPANNING);
          if (status === 200 && !body.errors && JSON.stringify(body.data) === JSON.stringify(SPANNING_DATA)) answered++;
          else failures.push(`${status} ${JSON.stringify(body)}`);
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const started = Date.now();
    const clients = Array.from({ length: CLIENTS }, client);
    try {
      await eventually('the clients are answered', async () => (answered >= CLIENTS ? true : undefined));
      graph.editCatalog(CATALOG_DEPLOYED);
      await graph.compose();
      const composed = (composedVersion = graph.fileVersion());
      expect(composed).not.toBe(firstVersion);
      const colors = await eventually('Product.color is queryable through the gateway', async () => {
        const { body } = await graphql(graph.gateway.url, '{ products { id color } }');
        return body.errors ? undefined : body.data;
      });
      expect(colors).toEqual({
        products: [
          { id: 'p1', color: 'black' },
          { id: 'p2', color: 'red' },
        ],
      });
      expect((await graph.readyz()).supergraph).toMatchObject({ hash: composed, refused: null });
      // The load runs its full 30 s whatever the swap took.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + LOAD_MS - Date.now())));
    } finally {
      done = true;
      await Promise.all(clients);
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(failures.length).toBe(0);
    expect(answered).toBeGreaterThan(CLIENTS);
    const { applied, refused, metrics } = await reloads();
    expect({ applied, refused }).toEqual({ applied: 1, refused: 0 });
    expect(metrics.samples.filter((sample) => sample.name === 'bizgraph_supergraph_info')).toEqual([
      { name: 'bizgraph_supergraph_info', labels: { version: graph.fileVersion() }, value: 1 },
    ]);
  });

  it('refuses invalid supergraphs (logged, counted, in /readyz) while the old one serves, then applies a valid one with a narrowed policy', { timeout: 120_000 }, async () => {
    const serving = graph.fileVersion();
    const valid = readFileSync(graph.supergraphPath, 'utf8');
    const financeOnly = await bearer(graph.dataDir, { scopes: 'finance:read' });
    const priced = await graphql(graph.gateway.url, '{ products { id price } }', undefined, financeOnly);
    expect(priced.body).toEqual({
      data: {
        products: [
          { id: 'p1', price: 100 },
          { id: 'p2', price: 250 },
        ],
      },
    });

    const invalid = [
      { text: 'type Query { broken', reason: 'is not a Federation 2 supergraph: not valid GraphQL' },
      { text: CATALOG_DEPLOYED, reason: 'is not a Federation 2 supergraph: no `@link(url: "https://specs.apollo.dev/join/v0.2")`' },
      {
        text: valid.replace(
          '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)',
          '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)\n  @link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)',
        ),
        reason: 'cannot read the authorization policy: unsupported security feature https://specs.apollo.dev/policy/v0.1',
      },
    ];
    let lastRefused: string | undefined;
    for (const [index, { text, reason }] of invalid.entries()) {
      const version = (lastRefused = graph.writeSupergraph(text));
      const ready = await eventually(`version ${version} is refused`, async () => {
        const body = await graph.readyz();
        return body.supergraph.refused?.hash === version ? body : undefined;
      });
      expect(ready.supergraph.hash).toBe(serving);
      expect(ready.supergraph.refused!.reason).toContain(reason);
      expect((await reloads()).refused).toBe(index + 1);
      // The old version keeps serving.
      expect((await graphql(graph.gateway.url, SPANNING)).body).toEqual({ data: SPANNING_DATA });
    }
    const refusals = graph.supergraphLog().filter((line) => line.msg === REFUSED_LOG);
    expect(refusals.map((line) => line.level)).toEqual(['error', 'error', 'error']);

    graph.editCatalog(CATALOG_NARROWED);
    await graph.compose();
    const narrowed = graph.fileVersion();
    const ready = await eventually('the narrowed version is applied', async () => {
      const body = await graph.readyz();
      return body.supergraph.hash === narrowed ? body : undefined;
    });
    // The last refusal stays visible after a valid version applied.
    expect(ready.supergraph.refused?.hash).toBe(lastRefused);
    expect(await reloads()).toMatchObject({ applied: 2, refused: 3 });
    const applied = graph.supergraphLog().filter((line) => line.msg === 'supergraph reloaded');
    expect(applied.map((line) => [line.level, line.version])).toEqual([
      ['info', composedVersion],
      ['info', narrowed],
    ]);

    const denied = await graphql(graph.gateway.url, '{ products { id price } }', undefined, financeOnly);
    expect(denied.body.data).toEqual({
      products: [
        { id: 'p1', price: null },
        { id: 'p2', price: null },
      ],
    });
    expect(denied.body.errors?.map((error) => [error.extensions?.code, error.extensions?.coordinate])).toEqual([
      ['UNAUTHORIZED_FIELD_OR_TYPE', 'Product.price'],
      ['UNAUTHORIZED_FIELD_OR_TYPE', 'Product.price'],
    ]);
    const both = await graphql(graph.gateway.url, '{ products { id price } }', undefined, await bearer(graph.dataDir, { scopes: 'finance:read billing:read' }));
    expect(both.body).toEqual({
      data: {
        products: [
          { id: 'p1', price: 100 },
          { id: 'p2', price: 250 },
        ],
      },
    });
  });
});
