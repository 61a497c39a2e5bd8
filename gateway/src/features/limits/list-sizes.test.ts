import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readListSizes } from './list-sizes.js';

describe('readListSizes', () => {
  it('reads the directive under the name its @link gives it, and nothing without the cost spec', () => {
    const sized = (link: string, directive: string) =>
      readListSizes(parse(`schema @link(url: "https://specs.apollo.dev/link/v1.0") ${link} { query: Query } type Query { items: [Int] ${directive} }`));
    const url = 'url: "https://specs.apollo.dev/cost/v0.1"';
    expect(sized(`@link(${url}, import: ["@listSize"])`, '@listSize(assumedSize: 7)').get('Query.items')).toBe(7);
    expect(sized(`@link(${url}, import: [{ name: "@listSize", as: "@bounded" }])`, '@bounded(assumedSize: 8)').get('Query.items')).toBe(8);
    expect(sized(`@link(${url})`, '@cost__listSize(assumedSize: 9)').get('Query.items')).toBe(9);
    expect(sized(`@link(${url}, as: "demand")`, '@demand__listSize(assumedSize: 10)').get('Query.items')).toBe(10);
    expect(sized('', '@listSize(assumedSize: 11)').size).toBe(0);
  });
});
