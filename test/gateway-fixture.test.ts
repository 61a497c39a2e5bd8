import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACME_SUPERGRAPH_PATH, composeAcme } from './fixtures/acme/compose.js';
import { listSubgraphs, supergraphHash } from '../gateway/src/supergraph.js';

describe('ACME fixture supergraph', () => {
  it('is the fresh composition of the fixture SDLs (regenerate: npx tsx test/fixtures/acme/compose.ts)', () => {
    expect(readFileSync(ACME_SUPERGRAPH_PATH, 'utf8')).toBe(composeAcme());
  });

  it('lists its subgraphs from the join__Graph enum', () => {
    const sdl = readFileSync(ACME_SUPERGRAPH_PATH, 'utf8');
    expect(listSubgraphs(sdl, { location: ACME_SUPERGRAPH_PATH, variable: '--supergraph' })).toEqual([
      { name: 'inventory', url: 'http://127.0.0.1:4201/graphql' },
      { name: 'reviews', url: 'http://127.0.0.1:4202/graphql' },
    ]);
    expect(supergraphHash(sdl)).toMatch(/^[0-9a-f]{12}$/);
  });

  it('refuses a subgraph SDL, naming the setting and what is missing', () => {
    const sdl = readFileSync(new URL('./fixtures/acme/inventory.graphql', import.meta.url), 'utf8');
    expect(() => listSubgraphs(sdl, { location: 'inventory.graphql', variable: '--supergraph' })).toThrow(
      '--supergraph: inventory.graphql is not a Federation 2 supergraph: no `@link(url: "https://specs.apollo.dev/join/v0.2")` or later',
    );
  });

  it('refuses a Federation 1 supergraph', () => {
    const fed1 = /* GraphQL */ `
      schema @core(feature: "https://specs.apollo.dev/core/v0.1") @core(feature: "https://specs.apollo.dev/join/v0.1") {
        query: Query
      }
      directive @core(feature: String!) repeatable on SCHEMA
      enum join__Graph {
        A @join__graph(name: "a", url: "http://a")
      }
      type Query {
        a: String
      }
    `;
    expect(() => listSubgraphs(fed1, { location: 'old.graphql', variable: 'BIZGRAPH_SUPERGRAPH' })).toThrow('BIZGRAPH_SUPERGRAPH: old.graphql is not a Federation 2 supergraph');
  });

  it('refuses text that is not GraphQL', () => {
    expect(() => listSubgraphs('<html></html>', { location: 'page.html', variable: '--supergraph' })).toThrow(
      '--supergraph: page.html is not a Federation 2 supergraph: not valid GraphQL (Syntax Error',
    );
  });
});
