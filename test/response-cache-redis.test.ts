import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type ServiceProcess } from '../scripts/lib/processes.js';
import { freePort } from './fixtures/acme/harness.js';
import { dataset } from './helpers/expected.js';
import { graphql, http } from './helpers/graphql.js';
import { readCounters, resetCounters } from './helpers/counters.js';
import { REDIS_URL, redisAvailable } from './helpers/services.js';
import { borrowStack, type SharedStack } from './helpers/shared-stack.js';
import { SUBGRAPH_NAMES } from './helpers/stack.js';
import { devToken } from './helpers/tokens.js';

/**
 * The response cache with `REDIS_URL`: extra gateway processes (RESPONSE_CACHE=on) on one stack's
 * subgraphs. Two of them share the Redis on the standard port; one points at a closed port.
 */
const A = dataset.customers.find((customer) => customer.id === 'cus_0001')!;

let stack: SharedStack;
let token: string;
const gateways: ServiceProcess[] = [];

async function startGateway(name: string, redisUrl: string): Promise<ServiceProcess> {
  const urls = Object.fromEntries(SUBGRAPH_NAMES.map((subgraph) => [`SUBGRAPH_${subgraph.toUpperCase()}_URL`, `${stack.subgraphs[subgraph].url}/graphql`]));
  const gateway = await startService({ name, entry: 'gateway/src/main.ts', env: { ...stack.env, ...urls, RESPONSE_CACHE: 'on', REDIS_URL: redisUrl } });
  gateways.push(gateway);
  return gateway;
}
const ask = (gateway: ServiceProcess, query: string) => graphql(`${gateway.url}/graphql`, query, undefined, { authorization: `Bearer ${token}` });
const debug = async (gateway: ServiceProcess) => (await http<{ store: string; counters: Record<string, number> }>('GET', `${gateway.url}/debug/response-cache`)).body;

beforeAll(async () => {
  stack = await borrowStack();
  token = await devToken(stack.dataDir, { preset: 'support', sub: 'sam@support' });
});
afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await stack?.stop();
});

describe('the response cache on Redis', () => {
  it('is shared by gateway replicas: stored by one, served by the other without calling any system', async (context) => {
    if (!(await redisAvailable())) return context.skip();
    const [first, second] = await Promise.all([startGateway('gateway-1', REDIS_URL), startGateway('gateway-2', REDIS_URL)]);
    // A fresh operation name per run: entries of an earlier run (same Redis) never answer this one.
    const query = `query Shared_${randomBytes(4).toString('hex')} { customer(id: "${A.id}") { id name email } }`;
    const stored = await ask(first, query);
    expect(stored.headers['bizgraph-response-cache']).toBe('miss');
    expect(stored.body).toEqual({ data: { customer: { id: A.id, name: A.name, email: A.email } } });
    // The write happens after the answer is sent: wait until the first replica counted it.
    for (let attempt = 0; attempt < 100 && (await debug(first)).counters.stores! < 1; attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await debug(first)).toMatchObject({ store: 'redis', counters: { stores: 1, storeErrors: 0, storeTimeouts: 0 } });

    await resetCounters(stack);
    const served = await ask(second, query);
    expect(served.headers['bizgraph-response-cache']).toBe('hit');
    expect(served.body).toEqual(stored.body);
    expect(await readCounters(stack)).toEqual({ crmRequests: {}, supportRequests: {}, erpStatements: 0, billingStatements: 0 });
    expect((await debug(second)).counters).toMatchObject({ hits: 1, misses: 0 });
  });

  it('at a closed port, still answers every request and counts the store failures', async () => {
    const gateway = await startGateway('gateway-dead-redis', `redis://127.0.0.1:${await freePort()}`);
    const before = (await debug(gateway)).counters;
    expect(before.storeErrors! + before.storeTimeouts!).toBe(0);
    const query = `query DeadRedis { customer(id: "${A.id}") { id name } }`;
    for (let i = 0; i < 3; i++) {
      const response = await ask(gateway, query);
      expect(response.status).toBe(200);
      expect(response.headers['bizgraph-response-cache']).toBe('miss');
      expect(response.body).toEqual({ data: { customer: { id: A.id, name: A.name } } });
    }
    const after = (await debug(gateway)).counters;
    expect(after.storeErrors! + after.storeTimeouts!).toBeGreaterThan(0);
    expect(after).toMatchObject({ hits: 0, misses: 3, stores: 0 });
  });
});
