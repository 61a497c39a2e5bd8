import { describe, expect, it } from 'vitest';
import { composeInline, ruleInput } from '../test-support.js';
import { policyCoverage } from './policy-coverage.js';

const passing = composeInline({
  crm: /* GraphQL */ `
    type Query {
      customer(id: ID!): Customer @requiresScopes(scopes: [["crm:read"]])
    }
    type Customer @key(fields: "id") {
      id: ID! @requiresScopes(scopes: [["crm:read"]])
      phone: String @requiresScopes(scopes: [["crm:read", "pii:read"]])
    }
  `,
});

const failing = composeInline({
  crm: /* GraphQL */ `
    type Query {
      customer(id: ID!): Customer @requiresScopes(scopes: [["crm:read"]])
    }
    type Customer @key(fields: "id") {
      id: ID! @requiresScopes(scopes: [["crm:read"]])
      phone: String @requiresScopes(scopes: [["crm:raed", "pii:read"]])
      nickname: String
    }
  `,
});

describe('policy coverage rule', () => {
  it('passes when every field declares known scopes', () => {
    expect(policyCoverage(ruleInput(passing))).toEqual([]);
  });

  it('fails a field without a policy (default deny) and a misspelt scope', () => {
    expect(policyCoverage(ruleInput(failing))).toEqual([
      {
        severity: 'error',
        rule: 'default-deny',
        coordinate: 'Customer.nickname',
        message: 'no policy: declare @requiresScopes or @authenticated on the field or on the type it returns',
      },
      { severity: 'error', rule: 'unknown-scope', coordinate: 'Customer.phone', message: 'unknown scope "crm:raed"' },
    ]);
  });
});
