import { describe, expect, it } from 'vitest';
import { readPage, sliceConnection, toConnection, type Keyset } from './connection.js';
import { decodeKeyCursor, encodeKeyCursor } from './cursor.js';

const ORIGIN = { system: 'test', subgraph: 'test' };

interface Row {
  at: string;
  id: number;
}
const NEWEST_FIRST: Keyset<Row> = { list: 'test.rows', parts: ['string', 'int'], keyOf: (row) => [row.at, row.id] };
const raw = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('keyset cursor codec', () => {
  it('round-trips a key of its own list', () => {
    const cursor = encodeKeyCursor('test.rows', ['2026-01-02T03:04:05.000Z', 42]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeKeyCursor(cursor, 'test.rows', ['string', 'int'])).toEqual(['2026-01-02T03:04:05.000Z', 42]);
  });

  it.each([
    ['another list', encodeKeyCursor('other.rows', ['a', 1])],
    ['another version', raw([2, 'test.rows', 'a', 1])],
    ['an old offset cursor', Buffer.from('o:99', 'utf8').toString('base64url')],
    ['a part of the wrong kind', raw([1, 'test.rows', 'a', 'b'])],
    ['a fraction where an int belongs', raw([1, 'test.rows', 'a', 1.5])],
    ['too few parts', raw([1, 'test.rows', 'a'])],
    ['too many parts', raw([1, 'test.rows', 'a', 1, 2])],
    ['not JSON', Buffer.from('[1,"test.rows"', 'utf8').toString('base64url')],
    ['not base64url', 'a+b/c='],
    ['empty', ''],
    ['too long', 'A'.repeat(600)],
  ])('refuses %s', (_what, cursor) => {
    expect(decodeKeyCursor(cursor, 'test.rows', ['string', 'int'])).toBeNull();
  });

  it('checks dates as calendar dates', () => {
    expect(decodeKeyCursor(raw([1, 'l', '2026-02-03', 1]), 'l', ['date', 'int'])).toEqual(['2026-02-03', 1]);
    expect(decodeKeyCursor(raw([1, 'l', '2026-02-03T00:00:00Z', 1]), 'l', ['date', 'int'])).toBeNull();
  });

  it('answers a foreign cursor with BAD_USER_INPUT naming after', () => {
    expect(() => readPage({ after: encodeKeyCursor('other.rows', ['a', 1]) }, NEWEST_FIRST, ORIGIN)).toThrow(
      expect.objectContaining({ message: 'after is not a cursor returned by this field', extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'after' }) }),
    );
  });
});

describe('keyset pages in memory', () => {
  const rows = (ids: number[]) => ids.map((id) => ({ at: `2026-01-${String(10 + (id % 5)).padStart(2, '0')}`, id }));
  const sorted = (list: Row[]) => [...list].sort((a, b) => (a.at === b.at ? b.id - a.id : a.at < b.at ? 1 : -1));

  it('neither repeats nor skips a row when rows are inserted before or deleted behind the cursor', () => {
    let list = sorted(rows([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    const first = sliceConnection(list, readPage({ first: 4 }, NEWEST_FIRST, ORIGIN), NEWEST_FIRST, 'desc');
    // A newer row arrives at the front and one already seen is deleted.
    list = sorted([...list.filter((row) => row.id !== first.nodes[0]!.id), { at: '2026-01-20', id: 11 }]);
    const second = sliceConnection(list, readPage({ first: 4, after: first.pageInfo.endCursor }, NEWEST_FIRST, ORIGIN), NEWEST_FIRST, 'desc');
    // The cursor's own row is deleted before the third page: the page still starts after its key.
    list = list.filter((row) => row.id !== second.nodes.at(-1)!.id);
    const third = sliceConnection(list, readPage({ first: 4, after: second.pageInfo.endCursor }, NEWEST_FIRST, ORIGIN), NEWEST_FIRST, 'desc');
    const seen = [...first.nodes, ...second.nodes, ...third.nodes].map((row) => row.id);
    expect(seen.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(third.pageInfo).toEqual({ hasNextPage: false, endCursor: expect.any(String) });
  });

  it('ends with an empty page and a null cursor past the last row', () => {
    const list = sorted(rows([1, 2]));
    const all = sliceConnection(list, readPage({ first: 2 }, NEWEST_FIRST, ORIGIN), NEWEST_FIRST, 'desc');
    expect(all.pageInfo.hasNextPage).toBe(false);
    const past = sliceConnection(list, readPage({ after: all.pageInfo.endCursor }, NEWEST_FIRST, ORIGIN), NEWEST_FIRST, 'desc');
    expect(past).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('tells a next page from the extra row only', () => {
    const page = readPage({ first: 2 }, NEWEST_FIRST, ORIGIN);
    expect(toConnection(rows([1, 2, 3]), page, NEWEST_FIRST).pageInfo.hasNextPage).toBe(true);
    expect(toConnection(rows([1, 2]), page, NEWEST_FIRST).pageInfo.hasNextPage).toBe(false);
  });
});
