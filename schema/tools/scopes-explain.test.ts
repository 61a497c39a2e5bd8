import { readFileSync } from 'node:fs';
import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { readSupergraphPolicy } from '../../gateway/src/authz/policy.js';
import { explainAccess } from './scopes-explain.js';
import { supergraph } from './scopes-fixture.js';
import { claimNamesFromEnv, principalFromPreset, principalFromToken } from './scopes-principal.js';

const small = readSupergraphPolicy(
  supergraph(/* GraphQL */ `
    type Query @join__type(graph: CRM) {
      customer(id: ID!): Customer @requiresScopes(scopes: [["crm:read"]])
    }

    type Mutation @join__type(graph: CRM) {
      updateCustomer(id: ID!): Customer @requiresScopes(scopes: [["crm:write"]])
    }

    type Customer @join__type(graph: CRM, key: "id") {
      id: ID! @requiresScopes(scopes: [["crm:read"]])
      email: String! @requiresScopes(scopes: [["crm:read", "pii:read"]]) @tag(name: "pii")
      cursor: String @authenticated
    }
  `),
);

const shipped = readSupergraphPolicy(readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8'));

describe('scopes explain', () => {
  it('splits fields into readable, writable and denied with the missing scopes', () => {
    expect(explainAccess(small, { authenticated: true, scopes: ['crm:read'] })).toEqual({
      read: { Customer: ['cursor', 'id'], Query: ['customer'] },
      write: [],
      deniedReads: [{ coordinate: 'Customer.email', authentication: false, missing: [['pii:read']] }],
      deniedWrites: [{ coordinate: 'Mutation.updateCustomer', authentication: false, missing: [['crm:write']] }],
    });
  });

  it('tells an anonymous caller that every declared field needs a token', () => {
    expect(explainAccess(small, { authenticated: false, scopes: [] })).toEqual({
      read: {},
      write: [],
      deniedReads: [
        { coordinate: 'Customer.cursor', authentication: true, missing: null },
        { coordinate: 'Customer.email', authentication: true, missing: [['crm:read', 'pii:read']] },
        { coordinate: 'Customer.id', authentication: true, missing: [['crm:read']] },
        { coordinate: 'Query.customer', authentication: true, missing: [['crm:read']] },
      ],
      deniedWrites: [{ coordinate: 'Mutation.updateCustomer', authentication: true, missing: [['crm:write']] }],
    });
  });

  it('the sales preset reads Customer.name but not Customer.email, which misses pii:read', () => {
    const sales = principalFromPreset('sales', undefined, {});
    expect(sales.scopes).toEqual(['crm:read', 'erp:read', 'support:read', 'logistics:read']);
    const explanation = explainAccess(shipped, sales);
    expect(explanation.read.Customer).toContain('name');
    expect(explanation.read.Customer).not.toContain('email');
    expect(explanation.deniedReads.find((denied) => denied.coordinate === 'Customer.email')).toEqual({
      coordinate: 'Customer.email',
      authentication: false,
      missing: [['pii:read']],
    });
    expect(explanation.write).toEqual([]);
  });

  it('binds the portal preset to a seeded customer and its email', () => {
    const portal = principalFromPreset('portal', undefined, {});
    expect(portal).toEqual({
      origin: 'preset portal',
      authenticated: true,
      scopes: ['crm:read', 'pii:read', 'erp:read', 'billing:read', 'finance:read', 'support:read', 'support:write', 'logistics:read'],
      customerId: 'cus_0001',
      email: 'rosa.dubois.1@pioneer.example',
      notes: [],
    });
  });

  it('decodes a signed token without verifying it, and says so', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ scp: ['billing:read', 'crm:read'], customer_id: 'cus_0002', email: 'a@b.example' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('user-7')
      .setIssuer('https://idp.example')
      .setExpirationTime(2_000_000_000)
      .sign(privateKey);
    expect(principalFromToken(token, claimNamesFromEnv({}), 1_900_000_000_000)).toEqual({
      origin: 'token',
      authenticated: true,
      scopes: ['billing:read', 'crm:read'],
      subject: 'user-7',
      customerId: 'cus_0002',
      email: 'a@b.example',
      notes: ['token DECODED, NOT VERIFIED: its signature, issuer, audience and expiry were not checked', 'issuer: https://idp.example'],
    });
  });

  it('warns when the gateway would refuse the decoded token anyway', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ scope: 42 }).setProtectedHeader({ alg: 'ES256' }).setExpirationTime(1_000_000_000).sign(privateKey);
    expect(principalFromToken(token, claimNamesFromEnv({}), 1_900_000_000_000).notes).toEqual([
      'token DECODED, NOT VERIFIED: its signature, issuer, audience and expiry were not checked',
      'its scope claim is neither a string nor a list of strings: the gateway would answer 401',
      'the token expired at 2001-09-09T01:46:40.000Z: the gateway would answer 401',
    ]);
  });

  it('reads scopes from the claim JWT_SCOPE_CLAIM names', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ scope: 'crm:read', permissions: 'erp:read erp:write' }).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    expect(principalFromToken(token, claimNamesFromEnv({ JWT_SCOPE_CLAIM: 'permissions' })).scopes).toEqual(['erp:read', 'erp:write']);
  });
});
