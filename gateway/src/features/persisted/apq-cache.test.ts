import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REDIS_URL, redisAvailable } from '../../../../test/helpers/services.js';
import { createApqCache, memoryApqCache } from './apq-cache.js';

describe('the in-memory APQ store', () => {
  afterEach(() => vi.useRealTimers());

  it('keeps texts up to a total size, dropping the least recently used first', async () => {
    const store = memoryApqCache(100, 100);
    await store.set('a', 'x'.repeat(40));
    await store.set('b', 'y'.repeat(40));
    expect(await store.get('a')).toBe('x'.repeat(40)); // a is now the most recently used
    await store.set('c', 'z'.repeat(40)); // 3 × (1 + 40) > 100: b goes, not a
    expect(await store.get('b')).toBeUndefined();
    expect(await store.get('a')).toBe('x'.repeat(40));
    expect(await store.get('c')).toBe('z'.repeat(40));
  });

  it('stores no text longer than the per-entry limit, and pushes nothing out for it', async () => {
    const store = memoryApqCache(1000, 50);
    await store.set('small', 'ok');
    await store.set('long', 'x'.repeat(51));
    expect(await store.get('long')).toBeUndefined();
    expect(await store.get('small')).toBe('ok');
  });

  it('forgets a text once its ttl has passed', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const store = memoryApqCache(1000, 100);
    await store.set('q', '{ a }', { ttl: 3600 });
    vi.setSystemTime(1_000_000 + 3_599_000);
    expect(await store.get('q')).toBe('{ a }');
    vi.setSystemTime(1_000_000 + 3_600_001);
    expect(await store.get('q')).toBeUndefined();
  });
});

describe('the Redis APQ store', () => {
  it('stores a text with its ttl, and no text longer than the per-entry limit', async (context) => {
    if (!(await redisAvailable())) return context.skip();
    const errors: unknown[] = [];
    const { cache, close } = createApqCache(REDIS_URL, 2000, 100, (error) => errors.push(error));
    const unique = `${Date.now()}-${Math.random()}`;
    try {
      await cache.set(`apq:short-${unique}`, '{ a }', { ttl: 3600 });
      await cache.set(`apq:long-${unique}`, 'x'.repeat(101), { ttl: 3600 });
      expect(await cache.get(`apq:short-${unique}`)).toBe('{ a }');
      expect(await cache.get(`apq:long-${unique}`)).toBeUndefined();
      const { hostname, port } = new URL(REDIS_URL);
      const keys = execFileSync('redis-cli', ['-h', hostname, '-p', port || '6379', '--scan', '--pattern', `*${unique}*`], { encoding: 'utf8' })
        .trim()
        .split('\n');
      expect(keys).toHaveLength(1);
      const ttl = Number(execFileSync('redis-cli', ['-h', hostname, '-p', port || '6379', 'TTL', keys[0]!], { encoding: 'utf8' }).trim());
      expect(ttl).toBeGreaterThan(3500);
      expect(ttl).toBeLessThanOrEqual(3600);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
