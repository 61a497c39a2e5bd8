import { readFileSync } from 'node:fs';
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

function startMedia(name: (typeof MEDIA)[number]): Promise<ServiceProcess> {
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
  const withContext = media.compose(
    media.subgraphs((subgraph) =>
      subgraph.name !== 'pricing'
        ? subgraph
        : {
            ...subgraph,
            sdl: `${subgraph.sdl.replace('import: ["@key", "@override"]', 'import: ["@key", "@override", "@context", "@fromContext"]')}
type Shelf @key(fields: "id") @context(name: "shelf") {
  id: ID!
  currency: String!
  tags: [PriceTag!]!
}

type PriceTag @key(fields: "id") {
  id: ID!
  price(currency: String @fromContext(field: "$shelf { currency }")): String!
}
`,
          },
    ),
  );

  it('is refused at start, naming the feature: @apollo/gateway 2.14 ignores contextRewrites, so its answers would be wrong', () => {
    expect(withContext).toContain('@link(url: "https://specs.apollo.dev/context/v0.1", for: SECURITY)');
    expect(() => readSupergraphPolicy(withContext)).toThrow('unsupported security feature https://specs.apollo.dev/context/v0.1');
  });
});
