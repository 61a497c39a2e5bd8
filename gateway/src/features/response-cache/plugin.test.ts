import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayContext, GatewayPrincipal } from '../../context.js';
import { recordStaleEntities } from '../freshness/stale-marker.js';
import { createCounters } from './counters.js';
import { CACHE_STATUS_HEADER, responseCachePlugins } from './plugin.js';
import { createResponseStore } from './store.js';

/**
 * The plugin on a plain Apollo Server (the stack tests cover gateway mode): resolvers count their
 * calls, so "served from the cache" is a count of zero executions.
 */
const typeDefs = /* GraphQL */ `
  type Query {
    greeting(name: String): String
    stale: String
    broken: String
  }
  type Mutation {
    touch: String
  }
`;
let calls = 0;
const resolvers = {
  Query: {
    greeting: (_: unknown, { name }: { name?: string }) => (calls++, `hello ${name ?? 'world'}`),
    stale: (_: unknown, __: unknown, context: GatewayContext) => {
      calls++;
      recordStaleEntities(context, [{ system: 'crm', subgraph: 'crm', type: 'Customer', key: 'cus_0001', fetchedAt: new Date().toISOString(), ageSeconds: 90 }], {
        subgraph: 'crm',
        system: 'crm',
      });
      return 'old';
    },
    broken: () => {
      calls++;
      throw new GraphQLError('down', { extensions: { code: 'UPSTREAM_ERROR' } });
    },
  },
  Mutation: { touch: () => (calls++, 'touched') },
};

const counters = createCounters();
const store = createResponseStore({ redisUrl: undefined, timeoutMs: 100, retryAfterMs: 1000, maxTtlSeconds: 30, maxEntries: 100, maxBytes: 1 << 20 }, counters);
const server = new ApolloServer<GatewayContext>({
  typeDefs,
  resolvers,
  plugins: [ApolloServerPluginCacheControl({ defaultMaxAge: 10, calculateHttpHeaders: false }), ...responseCachePlugins({ cache: store.cache, counters, supergraphHash: 'test' })],
});
const sales: GatewayPrincipal = { subject: 'bob', scopes: ['crm:read'] };

async function run(query: string, principal: GatewayPrincipal | null | undefined, variables?: Record<string, unknown>) {
  const contextValue = (principal === undefined ? { requestId: 'r' } : { requestId: 'r', principal }) as GatewayContext;
  const response = await server.executeOperation({ query, variables }, { contextValue });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return { status: response.http.headers.get(CACHE_STATUS_HEADER), age: response.http.headers.get('age'), result: response.body.singleResult };
}

beforeAll(() => server.start());
afterAll(async () => {
  await server.stop();
  await store.close();
});
beforeEach(() => {
  calls = 0;
});

describe('responseCachePlugins', () => {
  it('answers the same query for the same caller from the cache without executing it', async () => {
    const first = await run('{ greeting }', sales);
    const second = await run('{ greeting }', { ...sales, subject: 'carol' });
    expect(first).toMatchObject({ status: 'miss', age: undefined, result: { data: { greeting: 'hello world' } } });
    expect(second.status).toBe('hit');
    expect(second.age).toMatch(/^\d+$/);
    expect(second.result).toEqual(first.result);
    expect(calls).toBe(1);
  });

  it('keys by scopes, anonymity and variables', async () => {
    await run('{ greeting(name: "a") }', sales);
    expect((await run('{ greeting(name: "a") }', { ...sales, scopes: ['crm:read', 'pii:read'] })).status).toBe('miss');
    expect((await run('{ greeting(name: "a") }', null)).status).toBe('miss');
    expect((await run('query ($n: String) { greeting(name: $n) }', sales, { n: 'x' })).status).toBe('miss');
    const other = await run('query ($n: String) { greeting(name: $n) }', sales, { n: 'y' });
    expect(other).toMatchObject({ status: 'miss', result: { data: { greeting: 'hello y' } } });
    expect((await run('query ($n: String) { greeting(name: $n) }', sales, { n: 'x' })).status).toBe('hit');
    expect(calls).toBe(5);
  });

  it('bypasses callers without an identity, and never stores their answers', async () => {
    const stores = counters.stores;
    expect((await run('{ greeting(name: "nobody") }', undefined)).status).toBe('bypass');
    expect((await run('{ greeting(name: "nobody") }', undefined)).status).toBe('bypass');
    expect(counters.stores).toBe(stores);
    expect(calls).toBe(2);
  });

  it('does not store answers with errors or stale values', async () => {
    const stores = counters.stores;
    for (let i = 0; i < 2; i++) {
      expect((await run('{ broken }', sales)).status).toBe('miss');
      expect((await run('{ stale }', sales)).status).toBe('miss');
    }
    expect(counters.stores).toBe(stores);
    expect(calls).toBe(4);
  });

  it('bypasses mutations', async () => {
    expect((await run('mutation { touch }', sales)).status).toBe('bypass');
    expect((await run('mutation { touch }', sales)).status).toBe('bypass');
    expect(calls).toBe(2);
  });
});
