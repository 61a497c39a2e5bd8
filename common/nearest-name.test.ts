import { describe, expect, it } from 'vitest';
import { nearestName } from './nearest-name.js';

describe('nearestName', () => {
  const known = ['crm:read', 'crm:write', 'erp:read', 'billing:read', 'finance:read'];
  it.each([
    ['crm:reed', 'crm:read'],
    ['billing:raed', 'billing:read'],
    ['erp:red', 'erp:read'],
    ['finance:read', 'finance:read'],
  ])('names %s as %s', (typed, expected) => expect(nearestName(typed, known)).toBe(expected));

  it('names nothing when no known name is close: a different word, not a typo', () => {
    expect(nearestName('reports', known)).toBeUndefined();
    expect(nearestName('x', [])).toBeUndefined();
  });
});
