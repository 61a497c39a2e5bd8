import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSupergraphPolicy } from '../gateway/src/authz/policy.js';
import type { ServiceProcess } from '../scripts/lib/processes.js';
import { composeSupergraph, readSupergraphConfig } from '../schema/tools/compose.js';
import { graphql } from './helpers/graphql.js';
import { startAcme, startGateway, stopAll } from './fixtures/acme/harness.js';

/**
 * A Federation 2 supergraph that hides a field with `@inaccessible` (composition links that spec
 * `for: SECURITY`) is served as plain @apollo/gateway serves it: the field is not in the API
 * schema, so no client can name it, and the rest of the graph answers as before.
 */
const scratch = mkdtempSync(join(tmpdir(), 'bizgraph-inaccessible-'));
const supergraphPath = join(scratch, 'supergraph.graphql');

function composeWithHiddenField(): string {
  const subgraphs = readSupergraphConfig('test/fixtures/acme/supergraph.yaml').map((subgraph) =>
    subgraph.name !== 'inventory'
      ? subgraph
      : {
          ...subgraph,
          sdl: subgraph.sdl
            .replace('import: ["@key"]', 'import: ["@key", "@inaccessible"]')
            .replace('  inStock: Boolean!\n', '  inStock: Boolean!\n  "What ACME pays its supplier: internal."\n  supplierCost: Int @inaccessible\n'),
        },
  );
  const { supergraphSdl, errors } = composeSupergraph(subgraphs);
  if (!supergraphSdl) throw new Error(errors.join('\n'));
  return supergraphSdl;
}

describe('a supergraph with @inaccessible', () => {
  const sdl = composeWithHiddenField();
  let processes: ServiceProcess[] = [];
  let gatewayUrl = '';

  beforeAll(async () => {
    writeFileSync(supergraphPath, sdl);
    const [inventory, reviews] = await Promise.all([startAcme('inventory'), startAcme('reviews')]);
    processes = [inventory, reviews];
    const gateway = await startGateway({ SUBGRAPH_INVENTORY_URL: `${inventory.url}/graphql`, SUBGRAPH_REVIEWS_URL: `${reviews.url}/graphql` }, ['--supergraph', supergraphPath]);
    processes.unshift(gateway);
    gatewayUrl = gateway.url;
  });
  afterAll(async () => {
    await stopAll(processes);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('links the inaccessible spec for SECURITY, and its policy reads', () => {
    expect(readFileSync(supergraphPath, 'utf8')).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/inaccessible\/v0\.2", for: SECURITY\)/);
    expect(readSupergraphPolicy(sdl).hasSecurityFeatures).toBe(false);
  });

  it('serves the visible fields', async () => {
    const response = await graphql(gatewayUrl, '{ products { id name inStock } }');
    expect(response.body).toEqual({
      data: {
        products: [
          { id: 'p1', name: 'Anvil', inStock: true },
          { id: 'p2', name: 'Rocket skates', inStock: false },
          { id: 'p3', name: 'Giant magnet', inStock: true },
        ],
      },
    });
  });

  it('refuses the hidden field as a field that does not exist', async () => {
    const response = await graphql(gatewayUrl, '{ products { id supplierCost } }');
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('Cannot query field "supplierCost" on type "Product"'),
        extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }),
      }),
    ]);
  });
});
