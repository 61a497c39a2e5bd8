import { describe, expect, it } from 'vitest';
import { SizedLru } from './sized-lru.js';

describe('SizedLru', () => {
  it('counts the sizes it holds, replacing an entry set again, and frees what is deleted', () => {
    const lru = new SizedLru<string>(100);
    lru.set('a', 'A', 30);
    lru.set('b', 'B', 30);
    lru.set('a', 'A2', 50); // replaced, not added twice
    expect([lru.size, lru.count]).toEqual([80, 2]);
    expect(lru.delete('b')).toBe(true);
    expect([lru.size, lru.count, lru.get('a')]).toEqual([50, 1, 'A2']);
  });

  it('drops the least recently used entries until the new one fits', () => {
    const lru = new SizedLru<number>(100);
    for (const [key, size] of [
      ['a', 40],
      ['b', 40],
      ['c', 10],
    ] as const)
      lru.set(key, size, size);
    lru.get('a');
    lru.set('d', 50, 50); // 140 > 100: b (least recently used) goes, then 100 fits
    expect(['a', 'b', 'c', 'd'].map((key) => lru.get(key))).toEqual([40, undefined, 10, 50]);
    expect(lru.size).toBe(100);
  });

  it('peeks without marking an entry used', () => {
    const lru = new SizedLru<number>(100);
    lru.set('a', 1, 50);
    lru.set('b', 2, 50);
    expect(lru.peek('a')).toBe(1);
    lru.set('c', 3, 50); // a is still the least recently used: it goes
    expect(['a', 'b', 'c'].map((key) => lru.peek(key))).toEqual([undefined, 2, 3]);
  });
});
