import { describe, expect, it } from 'vitest';
import { cacheIdentity } from './identity.js';

const sales = { subject: 'bob', scopes: ['crm:read', 'erp:read', 'support:read'] };
const portal = (customerId: string, email: string, subject = 'dev-portal') => ({ subject, scopes: ['crm:read', 'pii:read'], customerId, email });

describe('cacheIdentity', () => {
  it('gives callers with the same scopes (in any order, repeated) and no row-level claims one identity', () => {
    const other = { subject: 'carol', scopes: ['support:read', 'crm:read', 'erp:read', 'crm:read'] };
    expect(cacheIdentity({ principal: other })).toBe(cacheIdentity({ principal: sales }));
  });

  it('keeps different scope sets apart, including an authenticated caller without scopes and anonymous', () => {
    const identities = [
      cacheIdentity({ principal: sales }),
      cacheIdentity({ principal: { ...sales, scopes: [...sales.scopes, 'pii:read'] } }),
      cacheIdentity({ principal: { subject: 'nobody', scopes: [] } }),
      cacheIdentity({ principal: null }),
    ];
    expect(identities.every((identity) => typeof identity === 'string')).toBe(true);
    expect(new Set(identities).size).toBe(4);
  });

  it('keys row-level principals by subject, customer and email as well', () => {
    const identities = [
      cacheIdentity({ principal: portal('cus_0001', 'a@example.com') }),
      // Same subject (the dev issuer's `dev-portal`), another customer.
      cacheIdentity({ principal: portal('cus_0002', 'b@example.com') }),
      cacheIdentity({ principal: portal('cus_0001', 'a@example.com', 'someone-else') }),
      cacheIdentity({ principal: portal('cus_0001', 'other@example.com') }),
      // An email claim alone counts as row-level too.
      cacheIdentity({ principal: { subject: 'dev-portal', scopes: ['crm:read', 'pii:read'], email: 'a@example.com' } }),
      cacheIdentity({ principal: { subject: 'dev-portal', scopes: ['crm:read', 'pii:read'] } }),
    ];
    expect(new Set(identities).size).toBe(6);
    expect(cacheIdentity({ principal: portal('cus_0001', 'a@example.com') })).toBe(identities[0]);
  });

  it('refuses callers it cannot identify consistently', () => {
    expect(cacheIdentity({})).toBeNull();
    expect(cacheIdentity({ principal: undefined })).toBeNull();
    expect(cacheIdentity({ principal: { subject: '', scopes: [] } })).toBeNull();
    expect(cacheIdentity({ principal: { subject: 'x', scopes: [1] } as never })).toBeNull();
    expect(cacheIdentity({ principal: { subject: 'x', scopes: 'crm:read' } as never })).toBeNull();
    expect(cacheIdentity({ principal: { subject: 'x', scopes: [], customerId: 7 } as never })).toBeNull();
  });
});
