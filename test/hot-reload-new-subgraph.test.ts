import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomicallySync } from '../common/atomic-file.js';
import { composeSupergraph, readSupergraphConfig } from '../schema/tools/compose.js';
import { eventually } from './fixtures/reload/harness.js';
import { dataset } from './helpers/expected.js';
import { graphqlAsAdmin as graphql, startStack, type Stack } from './helpers/stack.js';

/**
 * The way logistics joined bizgraph, on real processes: every subgraph runs, the gateway serves a
 * supergraph composed without logistics, then the five-subgraph supergraph replaces the file. The
 * gateway must create the new subgraph's data source (with its SUBGRAPH_LOGISTICS_URL override),
 * route `Order.shipments` to it and report it in /readyz, without a restart.
 */
const SHIPMENTS = '{ order(number: "SO-100001") { number shipments { carrier status } } }';

function composed(withLogistics: boolean): string {
  const subgraphs = readSupergraphConfig().filter((subgraph) => withLogistics || subgraph.name !== 'logistics');
  const { supergraphSdl, errors } = composeSupergraph(subgraphs);
  if (!supergraphSdl) throw new Error(`composition failed: ${errors.join('; ')}`);
  return supergraphSdl;
}

describe('hot reload adds a subgraph', () => {
  let stack: Stack;
  let dir: string;
  let supergraphPath: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bizgraph-reload-subgraph-'));
    supergraphPath = join(dir, 'supergraph.graphql');
    writeFileSync(supergraphPath, composed(false));
    stack = await startStack({ env: { BIZGRAPH_SUPERGRAPH: supergraphPath, SUPERGRAPH_POLL_INTERVAL_MS: '300' } });
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const readyz = async () => (await (await fetch(`${stack.gateway!.url}/readyz`)).json()) as { supergraph: { hash: string }; subgraphs: Array<{ name: string; state: string }> };

  it('serves four subgraphs, then routes Order.shipments to logistics once the new supergraph lands', async () => {
    const before = await readyz();
    expect(before.subgraphs.map(({ name }) => name).sort()).toEqual(['billing', 'crm', 'erp', 'support']);
    const unknown = await graphql(stack.gatewayUrl, SHIPMENTS);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    // As `npm run compose` writes it: a temporary file renamed over the old one.
    writeFileAtomicallySync(supergraphPath, composed(true));

    const after = await eventually('the five-subgraph supergraph is active', async () => {
      const ready = await readyz();
      // Changed, and the new subgraph probed (in the background, every HEALTH_PROBE_INTERVAL_MS).
      return ready.supergraph.hash !== before.supergraph.hash && ready.subgraphs.every(({ state }) => state === 'up') ? ready : undefined;
    });
    expect(after.subgraphs.map(({ name, state }) => [name, state]).sort()).toEqual([
      ['billing', 'up'],
      ['crm', 'up'],
      ['erp', 'up'],
      ['logistics', 'up'],
      ['support', 'up'],
    ]);

    const answer = await graphql(stack.gatewayUrl, SHIPMENTS);
    expect(answer.body.errors).toBeUndefined();
    const seeded = dataset.shipments.filter((shipment) => shipment.orderNumber === 'SO-100001').map(({ carrier, status }) => ({ carrier, status }));
    expect(seeded.length).toBeGreaterThan(0);
    expect(answer.body.data).toEqual({ order: { number: 'SO-100001', shipments: seeded } });
  });
});
