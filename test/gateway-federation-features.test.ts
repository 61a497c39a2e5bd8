import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSupergraphPolicy } from '../gateway/src/authz/policy.js';
import { startService, type ServiceProcess } from '../scripts/lib/processes.js';
import { media } from './fixtures/media/compose.js';
import { startGateway, stopAll } from './fixtures/acme/harness.js';
import { graphql } from './helpers/graphql.js';

/**
 * Another company's Federation 2 graph (test/fixtures/media), served through
 * `npm run gateway -- --supergraph <file>` as plain @apollo/gateway serves it: `@tag` on fields,
 * `Book.price` taken over by another subgraph with `@override`, and `stars` added to every
 * implementation of an interface by a subgraph that knows it only as an `@interfaceObject`.
 */
const MEDIA = ['catalog', 'ratings', 'pricing'] as const;

function startMedia(name: (typeof MEDIA)[number] | 'pricing-context'): Promise<ServiceProcess> {
  return startService({ name: `media-${name}`, entry: 'test/fixtures/media/server.ts', args: [name], env: { PORT: '0' } });
}

describe('the media library fixture supergraph', () => {
  it('is the fresh composition of its SDLs (regenerate: npx tsx test/fixtures/media/compose.ts)', () => {
    expect(readFileSync(media.supergraphPath, 'utf8')).toBe(media.compose());
  });

  it('uses @tag, @override and @interfaceObject, and carries no policy', () => {
    const sdl = readFileSync(media.supergraphPath, 'utf8');
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/tag/v0.3")');
    expect(sdl).toContain('price: Int! @join__field(graph: PRICING, override: "catalog")');
    expect(sdl).toMatch(/@join__type\(graph: RATINGS, key: "id", isInterfaceObject: true\)/);
    expect(readSupergraphPolicy(sdl).hasSecurityFeatures).toBe(false);
  });
});

describe('a gateway serving the media library', () => {
  let processes: ServiceProcess[] = [];
  let gatewayUrl = '';

  beforeAll(async () => {
    const subgraphs = await Promise.all(MEDIA.map(startMedia));
    processes = subgraphs;
    const urls = Object.fromEntries(MEDIA.map((name, i) => [`SUBGRAPH_${name.toUpperCase()}_URL`, `${subgraphs[i]!.url}/graphql`]));
    const gateway = await startGateway(urls, ['--supergraph', media.supergraphPath]);
    processes.unshift(gateway);
    gatewayUrl = `${gateway.url}/graphql`;
  });
  afterAll(() => stopAll(processes));

  it('answers across the three subgraphs: prices from the overriding subgraph, stars through the interface object', async () => {
    const response = await graphql(gatewayUrl, '{ media { __typename id title stars ... on Book { pages price } ... on Film { minutes } } }');
    expect(response.body).toEqual({
      data: {
        media: [
          { __typename: 'Book', id: 'b1', title: 'Dune', stars: 5, pages: 412, price: 1250 },
          { __typename: 'Book', id: 'b2', title: 'Solaris', stars: 4, pages: 204, price: 990 },
          { __typename: 'Film', id: 'f1', title: 'Stalker', stars: 3, minutes: 161 },
        ],
      },
    });
  });

  it('reaches the same entities from another root, with aliases', async () => {
    const response = await graphql(gatewayUrl, '{ shelf(id: "s1") { books { name: title cost: price rating: stars } } none: shelf(id: "s9") { id } }');
    expect(response.body).toEqual({
      data: {
        shelf: {
          books: [
            { name: 'Solaris', cost: 990, rating: 4 },
            { name: 'Dune', cost: 1250, rating: 5 },
          ],
        },
        none: null,
      },
    });
  });
});

describe('a supergraph with @context', () => {
  // Pricing prints a shelf's price tags in the shelf's currency: an argument filled from an
  // ancestor (@fromContext), which a gateway must pass itself (the plan's `contextRewrites`).
  const pricingWithContext = readFileSync(new URL('./fixtures/media/pricing-context.graphql', import.meta.url), 'utf8');
  const withContext = media.compose(media.subgraphs((subgraph) => (subgraph.name === 'pricing' ? { ...subgraph, sdl: pricingWithContext } : subgraph)));
  const scratch = mkdtempSync(join(tmpdir(), 'bizgraph-context-'));
  const supergraphPath = join(scratch, 'supergraph.graphql');
  writeFileSync(supergraphPath, withContext);
  let processes: ServiceProcess[] = [];
  let urls: Record<string, string> = {};

  beforeAll(async () => {
    processes = await Promise.all((['catalog', 'ratings', 'pricing-context'] as const).map(startMedia));
    const names = ['CATALOG', 'RATINGS', 'PRICING'];
    urls = Object.fromEntries(names.map((name, i) => [`SUBGRAPH_${name}_URL`, `${processes[i]!.url}/graphql`]));
  });
  afterAll(async () => {
    await stopAll(processes);
    rmSync(scratch, { recursive: true, force: true });
  });

  it("links the context spec for: SECURITY, which the policy reader accepts as the executor's business", () => {
    expect(withContext).toContain('@link(url: "https://specs.apollo.dev/context/v0.1", for: SECURITY)');
    expect(readSupergraphPolicy(withContext).executionFeatures).toEqual(['https://specs.apollo.dev/context/v0.1']);
  });

  it("is served by bizgraph's executor, each tag priced in the currency of the shelf it is reached through", async () => {
    const gateway = await startGateway({ ...urls, GATEWAY_EXECUTOR: 'bizgraph' }, ['--supergraph', supergraphPath]);
    processes.push(gateway);
    const response = await graphql(`${gateway.url}/graphql`, '{ shelf(id: "s1") { books { title } tags { id price } } }');
    expect(response.body).toEqual({
      data: {
        shelf: {
          books: [{ title: 'Solaris' }, { title: 'Dune' }],
          tags: [
            { id: 't1', price: 'SEK 9.90' },
            { id: 't2', price: 'SEK 12.50' },
          ],
        },
      },
    });
  });

  it('is refused at start with GATEWAY_EXECUTOR=apollo, naming the setting: @apollo/gateway would drop the currency', async () => {
    await expect(startGateway({ ...urls, GATEWAY_EXECUTOR: 'apollo' }, ['--supergraph', supergraphPath])).rejects.toThrow(
      /exited \(1\) before listening:[\s\S]*GATEWAY_EXECUTOR[\s\S]*links https:\/\/specs\.apollo\.dev\/context\/v0\.1, which GATEWAY_EXECUTOR=apollo cannot serve/,
    );
  });
});
