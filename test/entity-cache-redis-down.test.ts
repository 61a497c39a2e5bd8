import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCrmPair, type CrmPair } from './helpers/subgraphs/crm.js';
import { startOwnRedis, type OwnRedis } from './helpers/redis-server.js';
import { http } from './helpers/graphql.js';

/**
 * The crm subgraph on a redis-server of this test's own, which the test then hangs (SIGSTOP: open
 * sockets, no answers) and kills (SIGKILL): every request still answers with the CRM's data, and
 * the store's failures are counted.
 */
let redis: OwnRedis;
let pair: CrmPair;
beforeAll(async () => {
  redis = await startOwnRedis();
  pair = await startCrmPair({}, { ENTITY_CACHE: 'on', NODE_ENV: 'test', REDIS_URL: redis.url, ENTITY_CACHE_TIMEOUT_MS: '100' });
});
afterAll(async () => {
  await pair?.stop();
  await redis?.kill();
});

const read = async (id: string) => (await pair.query(`{ customer(id: "${id}") { id } }`)).body;
const counters = async () => (await http<Record<string, number>>('GET', `${pair.subgraph.url}/debug/counters`)).body;
const failures = (counts: Record<string, number>) => counts.entityCacheStoreTimeouts! + counts.entityCacheStoreErrors!;

describe('crm subgraph when its Redis hangs, then dies', () => {
  it('serves from Redis while it is up', async () => {
    expect(await read('cus_0001')).toEqual({ data: { customer: { id: 'cus_0001' } } });
    expect(await read('cus_0001')).toEqual({ data: { customer: { id: 'cus_0001' } } });
    expect((await pair.calls()).requests).toBe(1);
    expect(await redis.cli('exists', 'bizgraph:crm:Customer:cus_0001')).toBe('1');
    expect(await counters()).toMatchObject({ entityCacheHits: 1, entityCacheStoreTimeouts: 0, entityCacheStoreErrors: 0 });
  });

  it('answers from the CRM while Redis is stopped (SIGSTOP), counting the timeouts', async () => {
    redis.pause();
    await pair.resetCalls();
    expect(await read('cus_0001')).toEqual({ data: { customer: { id: 'cus_0001' } } });
    expect(await read('cus_0002')).toEqual({ data: { customer: { id: 'cus_0002' } } });
    expect((await pair.calls()).requests).toBe(2);
    // Per read: the MGET and the write both time out.
    expect((await counters()).entityCacheStoreTimeouts).toBeGreaterThanOrEqual(4);
  });

  it('answers from the CRM once Redis is gone (SIGKILL), counting the failures', async () => {
    const before = failures(await counters());
    await redis.kill();
    await pair.resetCalls();
    expect(await read('cus_0003')).toEqual({ data: { customer: { id: 'cus_0003' } } });
    expect(await read('cus_0001')).toEqual({ data: { customer: { id: 'cus_0001' } } });
    expect((await pair.calls()).requests).toBe(2);
    expect(failures(await counters())).toBeGreaterThan(before);
    expect((await http('GET', `${pair.subgraph.url}/healthz`)).status).toBe(200);
  });
});
