import { describe, expect, it } from 'vitest';
import { composeInline, ruleInput } from '../test-support.js';
import { naming } from './naming.js';

const passing = composeInline({
  crm: /* GraphQL */ `
    type Query {
      customerByEmail(emailAddress: String!): Customer @authenticated
    }
    type Customer @key(fields: "id") {
      id: ID! @authenticated
      segment: CustomerSegment @authenticated
    }
    enum CustomerSegment {
      MID_MARKET
      SMB
    }
    input UpdateCustomerInput {
      accountManager: String
    }
    type Mutation {
      updateCustomer(input: UpdateCustomerInput!): Customer @authenticated
    }
  `,
});

const failing = composeInline({
  crm: /* GraphQL */ `
    type Query {
      customer_by_email(EmailAddress: String!): customer @authenticated
    }
    type customer @key(fields: "id") {
      id: ID! @authenticated
      segment: CustomerSegment @authenticated
    }
    enum CustomerSegment {
      midMarket
      SMB
    }
    input CustomerChanges {
      account_manager: String
    }
    type Mutation {
      updateCustomer(input: CustomerChanges!): customer @authenticated
    }
  `,
});

describe('naming rule', () => {
  it('passes PascalCase types, camelCase fields and arguments, SCREAMING_SNAKE_CASE values, *Input inputs', () => {
    expect(naming(ruleInput(passing))).toEqual([]);
  });

  it('names every convention broken', () => {
    expect(
      naming(ruleInput(failing))
        .map(({ coordinate, message }) => `${coordinate}: ${message}`)
        .sort(),
    ).toEqual([
      'CustomerChanges.account_manager: field names are camelCase',
      'CustomerChanges: input type names end in "Input"',
      'CustomerSegment.midMarket: enum values are SCREAMING_SNAKE_CASE',
      'Query.customer_by_email(EmailAddress:): argument names are camelCase',
      'Query.customer_by_email: field names are camelCase',
      'customer: type names are PascalCase',
    ]);
  });
});
