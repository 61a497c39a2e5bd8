import { createHash } from 'node:crypto';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DocumentCache, queryHasher } from './document-cache.js';

describe('document cache', () => {
  const doc = parse('{ a }');

  it('keeps documents up to a total source size, dropping the least recently used first', () => {
    const cache = new DocumentCache(100);
    cache.set('a', doc, 40);
    cache.set('b', doc, 40);
    expect(cache.get('a')).toBe(doc); // a is now the most recently used
    cache.set('c', doc, 40); // 120 > 100: b goes, not a
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(doc);
    expect(cache.get('c')).toBe(doc);
  });

  it('does not keep a document larger than the whole cache, nor push others out for it', () => {
    const cache = new DocumentCache(100);
    cache.set('small', doc, 10);
    cache.set('huge', doc, 101);
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.get('small')).toBe(doc);
  });

  it('hashes query texts with SHA-256, short and long alike', () => {
    const hashOf = queryHasher();
    const short = '{ a }';
    const long = `{ a } # ${'x'.repeat(20_000)}`;
    for (const text of [short, long, short, long]) expect(hashOf(text)).toBe(createHash('sha256').update(text).digest('hex'));
  });
});
