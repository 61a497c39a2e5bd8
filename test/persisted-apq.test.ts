import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../scripts/lib/processes.js';
import { http } from './helpers/graphql.js';
import { REDIS_URL, redisAvailable } from './helpers/services.js';
import { bearer } from './helpers/tokens.js';
import { freePort, startAcme, startGateway, stopAll } from './fixtures/acme/harness.js';
import { startSecureGraph, type SecureGraph } from './fixtures/secure/harness.js';

/** Automatic persisted queries (PERSISTED_OPERATIONS=apq, the default) on real gateway processes. */
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const apq = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(query) } });
const NOT_FOUND = { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] };

async function post(gateway: ServiceProcess, body: unknown, headers: Record<string, string> = {}) {
  const { status, body: answer } = await http('POST', `${gateway.url}/graphql`, { body, headers });
  return { status, body: answer as unknown };
}

describe('APQ on the ACME fixture', () => {
  let inventory: ServiceProcess;
  const gateways: ServiceProcess[] = [];
  const gatewayOn = async (env: Record<string, string> = {}) => {
    const gateway = await startGateway({ SUBGRAPH_INVENTORY_URL: `${inventory.url}/graphql`, SUBGRAPH_REVIEWS_URL: 'http://127.0.0.1:9/graphql', ...env });
    gateways.push(gateway);
    return gateway;
  };
  beforeAll(async () => {
    inventory = await startAcme('inventory');
  });
  afterAll(() => stopAll([...gateways, inventory]));

  it('in memory: a hash-only miss is PERSISTED_QUERY_NOT_FOUND, the text registers it, then the hash alone is answered', async () => {
    const gateway = await gatewayOn();
    const query = 'query Anvil { product(id: "p1") { id name } }';
    expect(await post(gateway, { extensions: apq(query) })).toEqual({ status: 200, body: NOT_FOUND });
    const answer = { data: { product: { id: 'p1', name: 'Anvil' } } };
    expect(await post(gateway, { query, extensions: apq(query) })).toEqual({ status: 200, body: answer });
    expect(await post(gateway, { extensions: apq(query) })).toEqual({ status: 200, body: answer });
  });

  it('with REDIS_URL, two gateway processes share the store: registered on one, found by hash on the other', async (context) => {
    if (!(await redisAvailable())) return context.skip();
    const [first, second] = await Promise.all([gatewayOn({ REDIS_URL }), gatewayOn({ REDIS_URL })]);
    // A text no earlier run registered, so the first miss is real.
    const query = `query Shared { product(id: "p2") { name inStock } } # ${Date.now()}-${Math.random()}`;
    expect(await post(second, { extensions: apq(query) })).toEqual({ status: 200, body: NOT_FOUND });
    const answer = { data: { product: { name: 'Rocket skates', inStock: false } } };
    expect(await post(first, { query, extensions: apq(query) })).toEqual({ status: 200, body: answer });
    // Apollo Server stores the text after answering, without waiting: the other replica finds it shortly after.
    let byHash: unknown;
    for (let attempt = 0; attempt < 50; attempt++) {
      byHash = await post(second, { extensions: apq(query) });
      if (JSON.stringify(byHash) !== JSON.stringify({ status: 200, body: NOT_FOUND })) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(byHash).toEqual({ status: 200, body: answer });
  });

  it('with REDIS_URL at a closed port, requests are still answered (a hash-only request is a miss)', async () => {
    const gateway = await gatewayOn({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    const query = 'query Magnet { product(id: "p3") { name } }';
    const answer = { data: { product: { name: 'Giant magnet' } } };
    expect(await post(gateway, { query })).toEqual({ status: 200, body: answer });
    expect(await post(gateway, { query, extensions: apq(query) })).toEqual({ status: 200, body: answer });
    expect(await post(gateway, { extensions: apq(query) })).toEqual({ status: 200, body: NOT_FOUND });
    expect(gateway.output()).toContain('APQ cache unavailable');
  });

  it('PERSISTED_OPERATIONS=off refuses persisted queries and still answers plain ones', async () => {
    const gateway = await gatewayOn({ PERSISTED_OPERATIONS: 'off' });
    const query = '{ product(id: "p1") { name } }';
    const refused = await post(gateway, { extensions: apq(query) });
    expect(refused).toEqual({ status: 200, body: { errors: [{ message: 'PersistedQueryNotSupported', extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } }] } });
    expect(await post(gateway, { query })).toEqual({ status: 200, body: { data: { product: { name: 'Anvil' } } } });
  });
});

describe('APQ and authorization (Globex fixture, with a policy)', () => {
  let graph: SecureGraph;
  beforeAll(async () => {
    graph = await startSecureGraph();
  });
  afterAll(() => graph?.stop());

  it("a sales token's hash-only request of a query with email gets null + UNAUTHORIZED_FIELD_OR_TYPE, never the email", async () => {
    const query = 'query Contact { user(id: "u1") { displayName email } }';
    const sales = await bearer(graph.dataDir, { preset: 'sales' });
    const expected = {
      data: { user: { displayName: 'Ada Lovelace', email: null } },
      errors: [{ message: 'Not authorized to read User.email', path: ['user', 'email'], extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', coordinate: 'User.email' } }],
    };
    // Registered by a caller allowed to read the email, so only the hash lookup stands between sales and the field.
    const pii = await bearer(graph.dataDir, { scopes: 'pii:read' });
    const registered = await post(graph.gateway, { query, extensions: apq(query) }, pii);
    expect(registered).toEqual({ status: 200, body: { data: { user: { displayName: 'Ada Lovelace', email: 'ada@globex.test' } } } });
    await graph.resetRequests();
    expect(await post(graph.gateway, { extensions: apq(query) }, sales)).toEqual({ status: 200, body: expected });
    expect((await graph.requests('accounts')).map((request) => request.query)).toEqual(['query Contact__accounts__0{user(id:"u1"){displayName}}']);
  });
});
