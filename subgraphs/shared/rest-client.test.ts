import { describe, expect, it } from 'vitest';
import { MAX_REST_KEY_BYTES, keyLists } from './rest-client.js';

describe('keyLists: the key lists a REST batch call sends', () => {
  it('sends each distinct usable key once, at most maxKeys per list', () => {
    const keys = Array.from({ length: 250 }, (_, i) => `cus_${i}`);
    const lists = keyLists([...keys, 'cus_1', 'cus_2'], 100);
    expect(lists.map((list) => list.split(',').length)).toEqual([100, 100, 50]);
    expect(lists.join(',').split(',')).toEqual(keys);
  });

  it('drops keys that can name nothing: blank, holding a comma, longer than any system holds', () => {
    const longest = 'x'.repeat(MAX_REST_KEY_BYTES);
    expect(keyLists(['', '  ', 'a,b', 'é'.repeat(128), 'y'.repeat(60_000), longest, 'cus_1'], 100)).toEqual([`${longest},cus_1`]);
    expect(keyLists([], 100)).toEqual([]);
  });

  it('keeps every list under 4 KiB once URL-encoded, however long its keys', () => {
    const emails = Array.from({ length: 100 }, (_, i) => `${i}${'ü'.repeat(120)}@example.com`);
    const lists = keyLists(emails, 100);
    expect(lists.length).toBeGreaterThan(1);
    for (const list of lists) expect(encodeURIComponent(list).length).toBeLessThanOrEqual(4096);
    expect(lists.join(',').split(',')).toEqual(emails);
  });
});
