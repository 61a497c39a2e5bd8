import { ApolloServer } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../common/config.js';
import { cacheHintPlugins, readCacheMaxAge } from './cache-hints.js';

describe('readCacheMaxAge', () => {
  it('uses each subgraph’s default, 0 for an unknown one, and CACHE_MAX_AGE_SECONDS over both', () => {
    expect(['crm', 'support', 'erp', 'billing', 'other'].map((name) => readCacheMaxAge({}, name))).toEqual([30, 15, 10, 5, 0]);
    expect(readCacheMaxAge({ CACHE_MAX_AGE_SECONDS: '2' }, 'crm')).toBe(2);
    expect(readCacheMaxAge({ CACHE_MAX_AGE_SECONDS: '0' }, 'billing')).toBe(0);
  });

  it('refuses a bad value naming the variable', () => {
    for (const value of ['-1', 'soon', '1.5']) {
      expect(() => readCacheMaxAge({ CACHE_MAX_AGE_SECONDS: value }, 'crm')).toThrow(ConfigError);
      expect(() => readCacheMaxAge({ CACHE_MAX_AGE_SECONDS: value }, 'crm')).toThrow(/^CACHE_MAX_AGE_SECONDS: /);
    }
  });
});

describe('cacheHintPlugins', () => {
  const typeDefs = /* GraphQL */ `
    type Query {
      item: Item
      fails: String
    }
    type Item {
      id: ID!
    }
    type Mutation {
      change: Item
    }
  `;
  const resolvers = {
    Query: { item: () => ({ id: '1' }), fails: () => Promise.reject(new Error('down')) },
    Mutation: { change: () => ({ id: '1' }) },
  };

  async function headerFor(query: string, maxAge: number) {
    const server = new ApolloServer({ typeDefs, resolvers, plugins: cacheHintPlugins(maxAge) });
    await server.start();
    try {
      const response = await server.executeOperation({ query });
      return response.http.headers.get('cache-control');
    } finally {
      await server.stop();
    }
  }

  it('marks successful query answers private with the max-age', async () => {
    expect(await headerFor('{ item { id } }', 5)).toBe('max-age=5, private');
  });

  it('marks answers with errors, mutations and a 0 max-age uncacheable', async () => {
    expect(await headerFor('{ item { id } fails }', 5)).toBe('no-store');
    expect(await headerFor('mutation { change { id } }', 5)).toBe('no-store');
    expect(await headerFor('{ item { id } }', 0)).toBe('no-store');
  });
});
