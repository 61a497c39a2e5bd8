import { ApolloServer, HeaderMap } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import { createProvenanceRecorder, provenancePlugin, type ProvenanceRecorder } from './provenance.js';

const ORIGIN = { system: 'crm', subgraph: 'crm' };
const cache = (fetchedAt: number, ageMs: number, staleIfError = false) => ({ meta: { source: 'cache' as const, fetchedAt, ageMs, staleIfError } });
const system = (fetchedAt: number) => ({ meta: { source: 'system' as const, fetchedAt, ageMs: 0, staleIfError: false } });

describe('the provenance recorder', () => {
  it('records nothing until enabled', async () => {
    const recorder = createProvenanceRecorder(ORIGIN);
    recorder.loaded('Customer', [system(1_000)]);
    recorder.fetched('Order', 3, 1_000);
    expect(await recorder.read('Order', 2, async () => 'rows')).toBe('rows');
    expect(recorder.items()).toEqual([]);
  });

  it('keeps one item per type: the oldest fetch, the largest age and counts, not one per key', () => {
    const recorder = createProvenanceRecorder(ORIGIN);
    recorder.enable();
    recorder.loaded('Customer', [cache(5_000, 12_500), system(9_000), cache(7_000, 3_000, true), new Error('down'), system(9_000)]);
    recorder.fetched('Order', 500, 8_000);
    expect(recorder.items()).toEqual([
      { system: 'crm', subgraph: 'crm', type: 'Customer', fetchedAt: new Date(5_000).toISOString(), ageSeconds: 12, fromCache: true, staleIfError: true, cached: 2, fetched: 2 },
      { system: 'crm', subgraph: 'crm', type: 'Order', fetchedAt: new Date(8_000).toISOString(), ageSeconds: 0, fromCache: false, staleIfError: false, cached: 0, fetched: 500 },
    ]);
  });

  it('records a read with the time it started and the count of its result; a failed read not at all', async () => {
    const recorder = createProvenanceRecorder(ORIGIN);
    recorder.enable();
    const before = Date.now();
    await recorder.read(
      'Invoice',
      (rows: number[]) => rows.length,
      async () => [1, 2, 3],
    );
    await expect(recorder.read('Payment', 1, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const [item, ...rest] = recorder.items();
    expect(rest).toEqual([]);
    expect(item).toMatchObject({ type: 'Invoice', fetched: 3, cached: 0, fromCache: false, ageSeconds: 0 });
    expect(Date.parse(item!.fetchedAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(item!.fetchedAt)).toBeLessThanOrEqual(Date.now());
  });
});

describe('the provenance plugin', () => {
  const typeDefs = /* GraphQL */ `
    type Query {
      answer: Int
    }
  `;
  const serve = async () => {
    const server = new ApolloServer<{ provenance: ProvenanceRecorder }>({
      typeDefs,
      resolvers: { Query: { answer: (_root: unknown, _args: unknown, { provenance }: { provenance: ProvenanceRecorder }) => (provenance.fetched('Answer', 1, 0), 42) } },
      plugins: [provenancePlugin()],
    });
    await server.start();
    return server;
  };
  const ask = async (server: ApolloServer<{ provenance: ProvenanceRecorder }>, headers: Record<string, string>) => {
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: new HeaderMap(Object.entries({ 'content-type': 'application/json', ...headers })), search: '', body: { query: '{ answer }' } },
      context: async () => ({ provenance: createProvenanceRecorder(ORIGIN) }),
    });
    if (response.body.kind !== 'complete') throw new Error('expected a complete body');
    return JSON.parse(response.body.string) as { data: unknown; extensions?: Record<string, unknown> };
  };

  it('adds extensions.provenance only when the request carries bizgraph-provenance: 1', async () => {
    const server = await serve();
    expect(await ask(server, {})).toEqual({ data: { answer: 42 } });
    expect(await ask(server, { 'bizgraph-provenance': '0' })).toEqual({ data: { answer: 42 } });
    expect(await ask(server, { 'bizgraph-provenance': '1' })).toEqual({
      data: { answer: 42 },
      extensions: {
        provenance: [
          { system: 'crm', subgraph: 'crm', type: 'Answer', fetchedAt: new Date(0).toISOString(), ageSeconds: 0, fromCache: false, staleIfError: false, cached: 0, fetched: 1 },
        ],
      },
    });
    await server.stop();
  });
});
