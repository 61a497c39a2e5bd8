import { describe, expect, it } from 'vitest';
import { formatScopes, missingScopes, requirementOf } from './scopes-expr.js';

describe('scope requirements', () => {
  it('multiplies a field policy and its type policy out into any-of sets, dropping redundant ones', () => {
    // (crm:read OR support:read) AND (crm:read AND pii:read)
    const requirement = requirementOf({ authenticated: true, scopes: [[['crm:read'], ['support:read']], [['pii:read', 'crm:read']]] });
    expect(requirement).toEqual({ authenticated: true, anyOf: [['crm:read', 'pii:read']] });
    expect(formatScopes(requirement.anyOf)).toBe('crm:read AND pii:read');
  });

  it('parenthesises all-of sets only when there are alternatives', () => {
    expect(formatScopes([['billing:read'], ['crm:read', 'finance:read']])).toBe('billing:read OR (crm:read AND finance:read)');
    expect(formatScopes(null)).toBe('');
    expect(formatScopes([])).toBe('nobody (empty @requiresScopes)');
  });

  it('says which scopes are missing, or null when the held ones suffice', () => {
    const requirement = requirementOf({ authenticated: true, scopes: [[['crm:read', 'pii:read'], ['admin:all']]] });
    expect(missingScopes(requirement, new Set(['crm:read']))).toEqual([['admin:all'], ['pii:read']]);
    expect(missingScopes(requirement, new Set(['crm:read', 'pii:read']))).toBeNull();
    expect(missingScopes(requirementOf({ authenticated: true, scopes: [] }), new Set())).toBeNull();
  });
});
