import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createCounters } from './counters.js';
import { BoundedMap, createResponseStore, type StoreSettings } from './store.js';

const settings: StoreSettings = { redisUrl: undefined, timeoutMs: 100, retryAfterMs: 1000, maxTtlSeconds: 30, maxEntries: 100, maxBytes: 1024 * 1024 };

describe('BoundedMap', () => {
  it('drops the oldest entries beyond its entry count', () => {
    const map = new BoundedMap(2, 1_000_000);
    map.set('a', 'x');
    map.set('b', 'x');
    map.set('c', 'x');
    expect([...map.keys()]).toEqual(['b', 'c']);
  });

  it('drops the oldest entries beyond its size, and counts a replaced value once', () => {
    const map = new BoundedMap(100, 100); // 50 characters
    map.set('a', 'x'.repeat(20));
    map.set('a', 'x'.repeat(20));
    map.set('b', 'x'.repeat(20));
    expect([...map.keys()]).toEqual(['a', 'b']);
    map.set('c', 'x'.repeat(20));
    expect([...map.keys()]).toEqual(['b', 'c']);
  });
});

describe('createResponseStore in memory', () => {
  it('stores with the hint’s lifetime and counts the write', async () => {
    const counters = createCounters();
    const store = createResponseStore(settings, counters);
    await store.cache.set('k', 'v', { ttl: 10 });
    expect(await store.cache.get('k')).toBe('v');
    expect(counters).toMatchObject({ stores: 1, storeErrors: 0, storeTimeouts: 0 });
    await store.close();
  });

  it('never stores an answer without a lifetime', async () => {
    const counters = createCounters();
    const store = createResponseStore(settings, counters);
    await store.cache.set('none', 'v');
    await store.cache.set('zero', 'v', { ttl: 0 });
    expect(await store.cache.get('none')).toBeUndefined();
    expect(await store.cache.get('zero')).toBeUndefined();
    expect(counters.stores).toBe(0);
  });

  it('caps the lifetime at maxTtlSeconds', async () => {
    const store = createResponseStore({ ...settings, maxTtlSeconds: 1 }, createCounters());
    await store.cache.set('k', 'v', { ttl: 3600 });
    expect(await store.cache.get('k')).toBe('v');
    // Polled, not timed: the entry must go well before the hint's hour.
    let gone = false;
    for (let attempt = 0; attempt < 100 && !gone; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      gone = (await store.cache.get('k')) === undefined;
    }
    expect(gone).toBe(true);
  });
});

describe('createResponseStore on a Redis that never answers', () => {
  it('falls through within the deadline, counts the timeout, and leaves the store alone for a while', async () => {
    // Accepts connections and never replies: every Redis command hangs.
    const sockets = new Set<import('node:net').Socket>();
    const server: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const counters = createCounters();
    const store = createResponseStore({ ...settings, redisUrl: `redis://127.0.0.1:${port}`, retryAfterMs: 60_000 }, counters);
    try {
      expect(await store.cache.get('k')).toBeUndefined();
      expect(counters.storeTimeouts + counters.storeErrors).toBeGreaterThanOrEqual(1);
      await store.cache.set('k', 'v', { ttl: 10 });
      expect(await store.cache.get('k')).toBeUndefined();
      expect(counters.storeSkipped).toBe(2);
      expect(counters.stores).toBe(0);
    } finally {
      await store.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
