import { describe, expect, it } from 'vitest';
import { composeInline } from '../check/test-support.js';
import { callersLosingAccess, describeCaller, diffPolicies } from './policy-diff.js';

const crm = (segment: string, email: string) =>
  composeInline({
    crm: /* GraphQL */ `
type Query {
  customer(id: ID!): Customer @requiresScopes(scopes: [["crm:read"]])
}
type Customer @key(fields: "id") {
  id: ID! @requiresScopes(scopes: [["crm:read"]])
  segment: String ${segment}
  email: String ${email} @tag(name: "pii")
}
`,
  });

const base = crm('@requiresScopes(scopes: [["crm:read"]])', '@requiresScopes(scopes: [["crm:read", "pii:read"]])');

describe('diffPolicies', () => {
  it('reports nothing for the same supergraph', () => {
    expect(diffPolicies(base, base)).toEqual([]);
  });

  it('calls an added required scope narrowed and a dropped one widened, with the field tags', () => {
    const next = crm('@requiresScopes(scopes: [["crm:read", "pii:read"]])', '@requiresScopes(scopes: [["crm:read"]])');
    expect(diffPolicies(base, next)).toEqual([
      {
        coordinate: 'Customer.email',
        before: { authenticated: true, anyOf: [['crm:read', 'pii:read']] },
        after: { authenticated: true, anyOf: [['crm:read']] },
        direction: 'widened',
        tags: ['pii'],
      },
      {
        coordinate: 'Customer.segment',
        before: { authenticated: true, anyOf: [['crm:read']] },
        after: { authenticated: true, anyOf: [['crm:read', 'pii:read']] },
        direction: 'narrowed',
        tags: [],
      },
    ]);
  });

  it('calls a swap of alternatives changed and ignores a rewrite admitting the same callers', () => {
    const swapped = crm('@requiresScopes(scopes: [["support:read"]])', '@requiresScopes(scopes: [["pii:read", "crm:read"], ["crm:read", "pii:read", "admin"]])');
    expect(diffPolicies(base, swapped).map(({ coordinate, direction }) => ({ coordinate, direction }))).toEqual([{ coordinate: 'Customer.segment', direction: 'changed' }]);
  });

  it('treats a field that became public as widened for anonymous callers', () => {
    const open = crm('', '@requiresScopes(scopes: [["crm:read", "pii:read"]])');
    const [change] = diffPolicies(base, open);
    expect(change?.direction).toBe('widened');
    expect(callersLosingAccess(change!.after, change!.before).map(describeCaller)).toEqual(['anonymous callers']);
  });
});
