import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCOPES } from '../../gateway/src/auth/presets.js';
import { readSupergraphPolicy } from '../../gateway/src/authz/policy.js';
import { supergraph } from './scopes-fixture.js';
import { lintPolicy } from './scopes-lint.js';

const context = { knownScopes: SCOPES };
const lint = (sdl: string) => lintPolicy(readSupergraphPolicy(sdl), context);

const declared = supergraph(/* GraphQL */ `
  type Query @join__type(graph: CRM) {
    customer(id: ID!): Customer @requiresScopes(scopes: [["crm:read"]])
  }

  type Customer @join__type(graph: CRM, key: "id") {
    id: ID! @requiresScopes(scopes: [["crm:read"]])
    name: String! @requiresScopes(scopes: [["crm:read"]])
    email: String! @requiresScopes(scopes: [["crm:read", "pii:read"]]) @tag(name: "pii")
    "No directive of its own: Money's type-level policy applies."
    balance: Money
  }

  type Money @join__type(graph: CRM) @requiresScopes(scopes: [["finance:read"]]) {
    amount: String! @authenticated
  }
`);

describe('scopes lint', () => {
  it('passes when every field has a policy of its own or via the type it returns', () => {
    expect(lint(declared)).toEqual([]);
  });

  it('fails naming exactly the field that lost its policy', () => {
    const lost = supergraph(/* GraphQL */ `
      type Query @join__type(graph: CRM) {
        customer(id: ID!): Customer @requiresScopes(scopes: [["crm:read"]])
      }

      type Customer @join__type(graph: CRM, key: "id") {
        id: ID! @requiresScopes(scopes: [["crm:read"]])
        name: String!
        email: String! @requiresScopes(scopes: [["crm:read", "pii:read"]]) @tag(name: "pii")
        balance: Money
      }

      type Money @join__type(graph: CRM) @requiresScopes(scopes: [["finance:read"]]) {
        amount: String! @authenticated
      }
    `);
    expect(lint(lost)).toEqual([
      {
        rule: 'missing-policy',
        coordinate: 'Customer.name',
        message: 'no policy: declare @requiresScopes or @authenticated on the field or on the type it returns',
      },
    ]);
  });

  it('fails on a scope name outside the known list, at the field and at the type declaring it', () => {
    const typo = supergraph(/* GraphQL */ `
      type Query @join__type(graph: CRM) {
        customer(id: ID!): Customer @requiresScopes(scopes: [["crm:raed"], ["crm:read"]])
      }

      type Customer @join__type(graph: CRM, key: "id") {
        id: ID! @requiresScopes(scopes: [["crm:read"]])
        balance: Money
      }

      type Money @join__type(graph: CRM) @requiresScopes(scopes: [["finance:read", "money:all"]]) {
        amount: String! @authenticated
      }
    `);
    expect(lint(typo)).toEqual([
      { rule: 'unknown-scope', coordinate: 'Money', message: 'unknown scope "money:all"' },
      { rule: 'unknown-scope', coordinate: 'Query.customer', message: 'unknown scope "crm:raed"' },
    ]);
  });

  it('lists every field of a supergraph that declares no policy at all (default-deny)', () => {
    const bare = supergraph(
      /* GraphQL */ `
        type Query @join__type(graph: CRM) {
          customer(id: ID!): Customer
        }

        type Customer @join__type(graph: CRM, key: "id") {
          id: ID!
        }
      `,
      { security: false },
    );
    expect(lint(bare).map(({ rule, coordinate }) => `${rule} ${coordinate}`)).toEqual(['missing-policy Customer.id', 'missing-policy Query.customer']);
  });

  it('passes on the shipped supergraph', () => {
    const shipped = readSupergraphPolicy(readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8'));
    expect(shipped.hasSecurityFeatures).toBe(true);
    expect(lintPolicy(shipped, context)).toEqual([]);
  });
});
