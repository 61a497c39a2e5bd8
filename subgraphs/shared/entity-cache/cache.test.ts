import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnRedis, type OwnRedis } from '../../../test/helpers/redis-server.js';
import { redisAvailable, REDIS_URL } from '../../../test/helpers/services.js';
import { createEntityCache, type EntityCache, type FetchMissing } from './cache.js';
import { readEntityCacheConfig } from './config.js';
import { createStaleIfErrorReport } from './report.js';

/**
 * The entity cache on its own, against a fake system (a counted fetch function) and a clock the
 * test moves: TTL 60 s, SWR 30 s, stale-if-error 3600 s.
 */
const ORIGIN = { system: 'crm', subgraph: 'crm' };
const TTL = 60_000;
const SWR = 30_000;
const SIE = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

interface Fixture {
  cache: EntityCache;
  clock: { now: number };
  fetch: FetchMissing<{ id: string; v: number }>;
  /** The key lists of every system call so far. */
  calls: string[][];
  /** What the system answers: `version` per key; `failing` makes it throw. */
  system: { version: number; failing: boolean };
}

function fixture(env: Record<string, string> = {}): Fixture {
  const config = readEntityCacheConfig(
    { ENTITY_CACHE_SWR_SECONDS: '30', ENTITY_CACHE_STALE_IF_ERROR_SECONDS: '3600', ENTITY_CACHE_NAMESPACE: `test-${randomUUID().slice(0, 8)}`, ...env },
    { types: { Customer: 60 } },
  );
  const clock = { now: T0 };
  const calls: string[][] = [];
  const system = { version: 1, failing: false };
  const fetch: Fixture['fetch'] = async (keys) => {
    calls.push([...keys]);
    if (system.failing) throw new Error('crm is unreachable');
    return new Map(keys.map((key) => [key, key.startsWith('unknown') ? null : { id: key, v: system.version }]));
  };
  const cache = createEntityCache({ config, origin: ORIGIN, now: () => clock.now });
  return { cache, clock, fetch, calls, system };
}

const values = (results: unknown[]) => results.map((result) => (result instanceof Error ? result.message : (result as { value: unknown }).value));
const sources = (results: unknown[]) => results.map((result) => (result as { meta: { source: string } }).meta.source);

describe('entity cache (in-memory store)', () => {
  it('answers a second load from the cache: one system call for both', async () => {
    const { cache, fetch, calls } = fixture();
    const first = await cache.loadMany('Customer', ['a', 'b', 'a'], fetch);
    expect(values(first)).toEqual([
      { id: 'a', v: 1 },
      { id: 'b', v: 1 },
      { id: 'a', v: 1 },
    ]);
    expect(sources(first)).toEqual(['system', 'system', 'system']);
    const second = await cache.loadMany('Customer', ['b', 'a'], fetch);
    expect(values(second)).toEqual([
      { id: 'b', v: 1 },
      { id: 'a', v: 1 },
    ]);
    expect(sources(second)).toEqual(['cache', 'cache']);
    expect(calls).toEqual([['a', 'b']]);
    expect(cache.counters()).toMatchObject({ hits: 2, misses: 2 });
  });

  it('fetches only the misses of a batch, in one call', async () => {
    const { cache, fetch, calls } = fixture();
    await cache.loadMany('Customer', ['a', 'b'], fetch);
    await cache.loadMany('Customer', ['a', 'c', 'b', 'd'], fetch);
    expect(calls).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('does not cache unknown keys', async () => {
    const { cache, fetch, calls } = fixture();
    expect(values(await cache.loadMany('Customer', ['unknown-1'], fetch))).toEqual([null]);
    expect(values(await cache.loadMany('Customer', ['unknown-1'], fetch))).toEqual([null]);
    expect(calls).toEqual([['unknown-1'], ['unknown-1']]);
  });

  it('fetches again once an entry is past TTL + SWR', async () => {
    const { cache, clock, fetch, calls, system } = fixture();
    await cache.loadMany('Customer', ['a'], fetch);
    clock.now += TTL;
    expect(sources(await cache.loadMany('Customer', ['a'], fetch))).toEqual(['cache']);
    system.version = 2;
    clock.now += SWR + 1;
    const late = await cache.loadMany('Customer', ['a'], fetch);
    expect(values(late)).toEqual([{ id: 'a', v: 2 }]);
    expect(sources(late)).toEqual(['system']);
    expect(calls).toEqual([['a'], ['a']]);
  });

  it('serves a stale entry within SWR and refreshes it once in the background, batched', async () => {
    const { cache, clock, fetch, calls, system } = fixture();
    await cache.loadMany('Customer', ['a', 'b'], fetch);
    system.version = 2;
    clock.now += TTL + 1;
    // Two requests in the same tick both see stale entries: served at once, one refresh for both keys.
    const [first, second] = await Promise.all([cache.loadMany('Customer', ['a'], fetch), cache.loadMany('Customer', ['a', 'b'], fetch)]);
    expect(values(first)).toEqual([{ id: 'a', v: 1 }]);
    expect(values(second)).toEqual([
      { id: 'a', v: 1 },
      { id: 'b', v: 1 },
    ]);
    await cache.idle();
    expect(calls).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(cache.counters()).toMatchObject({ staleServes: 3, refreshes: 1 });
    const fresh = await cache.loadMany('Customer', ['a', 'b'], fetch);
    expect(values(fresh)).toEqual([
      { id: 'a', v: 2 },
      { id: 'b', v: 2 },
    ]);
    expect(sources(fresh)).toEqual(['cache', 'cache']);
    expect(calls).toHaveLength(2);
  });

  it('serves the last good value when the system fails, and reports its age', async () => {
    const { cache, clock, fetch, calls, system } = fixture();
    await cache.loadMany('Customer', ['a'], fetch);
    system.failing = true;
    clock.now += TTL + SWR + 5_000;
    const report = createStaleIfErrorReport();
    const results = await cache.loadMany('Customer', ['a', 'never-cached'], fetch, report);
    expect(values(results)).toEqual([{ id: 'a', v: 1 }, 'crm is unreachable']);
    expect((results[0] as { meta: unknown }).meta).toEqual({ source: 'cache', fetchedAt: T0, ageMs: TTL + SWR + 5_000, staleIfError: true });
    expect(report.items()).toEqual([{ system: 'crm', subgraph: 'crm', type: 'Customer', key: 'a', fetchedAt: '2026-01-01T00:00:00.000Z', ageSeconds: 95 }]);
    expect(calls).toEqual([['a'], ['a', 'never-cached']]);
    expect(cache.counters()).toMatchObject({ staleIfErrorServes: 1 });
  });

  it('fails past TTL + stale-if-error', async () => {
    const { cache, clock, fetch, system } = fixture();
    await cache.loadMany('Customer', ['a'], fetch);
    system.failing = true;
    clock.now += TTL + SIE + 1;
    const report = createStaleIfErrorReport();
    expect(values(await cache.loadMany('Customer', ['a'], fetch, report))).toEqual(['crm is unreachable']);
    expect(report.items()).toEqual([]);
  });

  it('reads a key again after it is invalidated, and a replaced one as written', async () => {
    const { cache, fetch, calls } = fixture();
    await cache.loadMany('Customer', ['a', 'b'], fetch);
    await cache.invalidate('Customer', ['a']);
    await cache.replace('Customer', [['b', { id: 'b', v: 7 }]]);
    expect(values(await cache.loadMany('Customer', ['a', 'b'], fetch))).toEqual([
      { id: 'a', v: 1 },
      { id: 'b', v: 7 },
    ]);
    expect(calls).toEqual([['a', 'b'], ['a']]);
    expect(cache.counters()).toMatchObject({ invalidations: 2 });
  });

  it('does not store an answer fetched before the key was invalidated', async () => {
    const { cache, fetch, calls } = fixture();
    let release: () => void = () => undefined;
    const slow: Fixture['fetch'] = async (keys) => {
      calls.push([...keys]);
      await new Promise<void>((resolve) => (release = resolve));
      return new Map(keys.map((key) => [key, { id: key, v: 1 }]));
    };
    const loading = cache.loadMany('Customer', ['a'], slow);
    while (calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await cache.invalidate('Customer', ['a']);
    release();
    expect(values(await loading)).toEqual([{ id: 'a', v: 1 }]);
    await cache.loadMany('Customer', ['a'], fetch);
    expect(calls).toEqual([['a'], ['a']]);
  });

  it('with ENTITY_CACHE=off asks the system every time', async () => {
    const { cache, fetch, calls } = fixture({ ENTITY_CACHE: 'off' });
    await cache.loadMany('Customer', ['a'], fetch);
    await cache.loadMany('Customer', ['a'], fetch);
    expect(calls).toEqual([['a'], ['a']]);
    expect(cache.enabled).toBe(false);
  });

  it('rejects bad settings naming the variable', () => {
    expect(() => fixture({ ENTITY_CACHE: 'yes' })).toThrow('ENTITY_CACHE: expected "on" or "off", got "yes"');
    expect(() => fixture({ ENTITY_CACHE_TTL_CUSTOMER_SECONDS: '0' })).toThrow(/^ENTITY_CACHE_TTL_CUSTOMER_SECONDS: /);
    expect(() => fixture({ ENTITY_CACHE_TIMEOUT_MS: 'soon' })).toThrow(/^ENTITY_CACHE_TIMEOUT_MS: /);
    expect(() => fixture({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/^REDIS_URL: /);
    expect(() => fixture({ ENTITY_CACHE_NAMESPACE: 'a:b' })).toThrow(/^ENTITY_CACHE_NAMESPACE: /);
  });

  it('takes a per-type TTL from ENTITY_CACHE_TTL_<TYPE>_SECONDS', () => {
    const config = readEntityCacheConfig(
      { ENTITY_CACHE_TTL_SECONDS: '5', ENTITY_CACHE_TTL_TICKETS_BY_REQUESTER_SECONDS: '7' },
      {
        types: { Ticket: undefined, TicketsByRequester: 30, TicketsByOrder: 30 },
      },
    );
    expect(config.ttlSeconds).toEqual({ Ticket: 5, TicketsByRequester: 7, TicketsByOrder: 30 });
  });
});

describe('entity cache over the machine Redis (unique namespace)', () => {
  it('shares entries between two caches (replicas) and invalidates for both', async (context) => {
    if (!(await redisAvailable())) return context.skip();
    const namespace = `test-${randomUUID().slice(0, 8)}`;
    const a = fixture({ REDIS_URL, ENTITY_CACHE_NAMESPACE: namespace });
    const b = fixture({ REDIS_URL, ENTITY_CACHE_NAMESPACE: namespace });
    try {
      await a.cache.loadMany('Customer', ['a'], a.fetch);
      expect(sources(await b.cache.loadMany('Customer', ['a'], b.fetch))).toEqual(['cache']);
      expect(b.calls).toEqual([]);
      await a.cache.invalidate('Customer', ['a']);
      expect(sources(await b.cache.loadMany('Customer', ['a'], b.fetch))).toEqual(['system']);
      expect(b.calls).toEqual([['a']]);
    } finally {
      await a.cache.invalidate('Customer', ['a']); // leaves nothing behind on the shared server
      await Promise.all([a.cache.close(), b.cache.close()]);
    }
  });
});

describe('entity cache round trips (own redis-server)', () => {
  let redis: OwnRedis;
  beforeAll(async () => {
    redis = await startOwnRedis();
  });
  afterAll(() => redis?.kill());

  it('reads a batch of 100 keys with one MGET and writes it with one MULTI/EXEC; keys and store TTL as documented', async () => {
    const { cache, fetch } = fixture({ REDIS_URL: redis.url, ENTITY_CACHE_NAMESPACE: 'rt' });
    try {
      const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
      await cache.loadMany('Customer', ['warm-up'], fetch); // connects
      await redis.cli('config', 'resetstat');
      await cache.loadMany('Customer', keys, fetch);
      expect({ mget: await redis.commandCalls('mget'), get: await redis.commandCalls('get'), exec: await redis.commandCalls('exec') }).toEqual({ mget: 1, get: 0, exec: 1 });
      await redis.cli('config', 'resetstat');
      expect(sources(await cache.loadMany('Customer', keys, fetch))).toEqual(keys.map(() => 'cache'));
      expect({ mget: await redis.commandCalls('mget'), get: await redis.commandCalls('get'), exec: await redis.commandCalls('exec') }).toEqual({ mget: 1, get: 0, exec: 0 });
      // TTL 60 s + max(SWR 30 s, stale-if-error 3600 s), in ms.
      const pttl = Number(await redis.cli('pttl', 'rt:crm:Customer:k0'));
      expect(pttl).toBeGreaterThan(3_600_000);
      expect(pttl).toBeLessThanOrEqual(3_660_000);
    } finally {
      await cache.close();
    }
  });
});

describe('entity cache over a Redis that hangs (own redis-server, SIGSTOP)', () => {
  it('falls through to the system within ENTITY_CACHE_TIMEOUT_MS and counts the timeouts', async () => {
    const redis = await startOwnRedis();
    const { cache, fetch, calls } = fixture({ REDIS_URL: redis.url, ENTITY_CACHE_TIMEOUT_MS: '200' });
    try {
      // Warm up until the value is in Redis: on a busy machine the first connect may itself be late.
      for (let attempt = 0; attempt < 20; attempt++) {
        if (sources(await cache.loadMany('Customer', ['a'], fetch)).includes('cache')) break;
      }
      expect(sources(await cache.loadMany('Customer', ['a'], fetch))).toEqual(['cache']);
      const before = { timeouts: cache.counters().storeTimeouts, calls: calls.length };
      redis.pause();
      // Connected, and no answer ever comes: the read times out (a miss), then the write does.
      expect(values(await cache.loadMany('Customer', ['a'], fetch))).toEqual([{ id: 'a', v: 1 }]);
      expect(values(await cache.loadMany('Customer', ['a'], fetch))).toEqual([{ id: 'a', v: 1 }]);
      expect(calls.length - before.calls).toBe(2);
      expect(cache.counters().storeTimeouts - before.timeouts).toBe(4);
    } finally {
      await redis.kill();
      await cache.close();
    }
  });
});
