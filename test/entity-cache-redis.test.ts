import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { startService, type ServiceProcess } from '../scripts/lib/processes.js';
import { freePort } from './helpers/redis-server.js';
import { graphql, http } from './helpers/graphql.js';
import { redisAvailable, REDIS_URL } from './helpers/services.js';
import { internalAuthorization } from './helpers/tokens.js';

/**
 * Two crm subgraph processes (replicas A and B) sharing the machine's Redis under a namespace of
 * their own, over one CRM stand-in whose change webhook goes to A. CRM calls are counted at the
 * stand-in (`/_stats`), webhook deliveries at A's `/debug/counters`.
 */
const run = promisify(execFile);
const namespace = `test-${randomUUID().slice(0, 8)}`;
const dataDir = mkdtempSync(join(tmpdir(), 'entity-cache-redis-'));
const ID = 'cus_0005';
const READ = `{ customer(id: "${ID}") { id name version } }`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let available = false;
const started: ServiceProcess[] = [];
let crm: ServiceProcess;
let a: ServiceProcess;
let b: ServiceProcess;

const query = async (replica: ServiceProcess, text: string) => (await graphql(replica.url, text, undefined, await internalAuthorization(dataDir, 'crm'))).body;
const crmRequests = async () => (await http<{ requests: number }>('GET', `${crm.url}/_stats`)).body.requests;
const resetCrm = () => http('POST', `${crm.url}/_stats/reset`);
const countersOf = async (replica: ServiceProcess) => (await http<Record<string, number>>('GET', `${replica.url}/debug/counters`)).body;
/** Waits (bounded) until A has accepted `count` webhooks: deliveries are asynchronous. */
async function webhooksAccepted(count: number) {
  for (let attempt = 0; attempt < 200; attempt++) {
    if ((await countersOf(a)).crmWebhooksAccepted! >= count) return;
    await sleep(50);
  }
  throw new Error(`A did not receive ${count} webhooks:\n${a.output()}`);
}
const needRedis = (context: TestContext) => {
  if (!available) context.skip();
};

beforeAll(async () => {
  available = await redisAvailable();
  if (!available) return;
  const portA = await freePort();
  crm = await startService({
    name: 'crm-system',
    entry: 'systems/crm/main.ts',
    env: { PORT: '0', BIZGRAPH_DATA_DIR: dataDir, CRM_WEBHOOK_URL: `http://127.0.0.1:${portA}/webhooks/crm` },
  });
  started.push(crm);
  const env = { BIZGRAPH_DATA_DIR: dataDir, NODE_ENV: 'test', CRM_API_URL: crm.url, ENTITY_CACHE: 'on', REDIS_URL, ENTITY_CACHE_NAMESPACE: namespace };
  [a, b] = await Promise.all([
    startService({ name: 'crm-subgraph-a', entry: 'subgraphs/crm/main.ts', env: { ...env, PORT: String(portA) } }),
    startService({ name: 'crm-subgraph-b', entry: 'subgraphs/crm/main.ts', env: { ...env, PORT: '0' } }),
  ]);
  started.push(a, b);
});

afterAll(async () => {
  await Promise.all(started.map((service) => service.stop()));
  rmSync(dataDir, { recursive: true, force: true });
  if (!available) return;
  const { hostname, port } = new URL(REDIS_URL);
  const cli = (...args: string[]) => run('redis-cli', ['-h', hostname, '-p', port || '6379', ...args]);
  const keys = (await cli('--scan', '--pattern', `${namespace}:*`)).stdout.split('\n').filter(Boolean);
  if (keys.length > 0) await cli('del', ...keys);
});

describe('crm entity cache shared by two replicas through Redis', () => {
  it('a read through A fills the cache: one CRM call; the same read through B makes none', async (context) => {
    needRedis(context);
    await resetCrm();
    const expected = { data: { customer: { id: ID, name: expect.any(String), version: '"1"' } } };
    const first = await query(a, READ);
    expect(first).toEqual(expected);
    expect(await crmRequests()).toBe(1);
    expect(await query(b, READ)).toEqual(first);
    expect(await crmRequests()).toBe(1);
    expect(await countersOf(b)).toMatchObject({ crmCalls: 0, entityCacheHits: 1, entityCacheMisses: 0 });
    const [key] = (await run('redis-cli', ['-u', REDIS_URL, '--scan', '--pattern', `${namespace}:*`])).stdout.split('\n').filter(Boolean);
    expect(key).toBe(`${namespace}:crm:Customer:${ID}`);
  });

  it('updateCustomer through A: B reads the new record at once', async (context) => {
    needRedis(context);
    const update = `mutation { updateCustomer(id: "${ID}", expectedVersion: "\\"1\\"", input: { name: "Renamed through A" }) { name version } }`;
    expect(await query(a, update)).toEqual({ data: { updateCustomer: { name: 'Renamed through A', version: '"2"' } } });
    expect(await query(b, READ)).toEqual({ data: { customer: { id: ID, name: 'Renamed through A', version: '"2"' } } });
    // The CRM also announces this change by webhook; let it land before the next test counts.
    await webhooksAccepted(1);
  });

  it('a change made directly in the CRM reaches A by webhook; B then reads it fresh: one CRM call', async (context) => {
    needRedis(context);
    // B caches version 2 (again, if the webhook above dropped it).
    expect(await query(b, READ)).toEqual({ data: { customer: { id: ID, name: 'Renamed through A', version: '"2"' } } });
    await resetCrm();
    expect(await query(b, READ)).toEqual({ data: { customer: { id: ID, name: 'Renamed through A', version: '"2"' } } });
    expect(await crmRequests()).toBe(0);

    // Another application changes the customer through the CRM's own API.
    const direct = await http('PATCH', `${crm.url}/customers/${ID}`, {
      headers: { 'x-api-key': 'dev-crm-key', 'if-match': '"2"' },
      body: { name: 'Changed in the CRM' },
    });
    expect(direct.status).toBe(200);
    await webhooksAccepted(2);
    await resetCrm();
    expect(await query(b, READ)).toEqual({ data: { customer: { id: ID, name: 'Changed in the CRM', version: '"3"' } } });
    expect(await crmRequests()).toBe(1);
    expect(await query(a, READ)).toEqual({ data: { customer: { id: ID, name: 'Changed in the CRM', version: '"3"' } } });
    expect(await crmRequests()).toBe(1);
  });
});
