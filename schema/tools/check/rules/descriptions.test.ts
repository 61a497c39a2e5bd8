import { describe, expect, it } from 'vitest';
import { composeInline, ruleInput } from '../test-support.js';
import { descriptions } from './descriptions.js';

const passing = composeInline({
  crm: /* GraphQL */ `
    type Query {
      "The customer with this id."
      customer(id: ID!): Customer @authenticated
    }
    "A customer."
    type Customer @key(fields: "id") {
      "Stable id."
      id: ID! @authenticated
      "Where the customer sits."
      segment: Segment @authenticated
    }
    "Market segment."
    enum Segment {
      SMB
      ENTERPRISE
    }
    "Changes to a customer."
    input CustomerInput {
      "New name."
      name: String
    }
    type Mutation {
      "Renames."
      rename(input: CustomerInput!): Customer @authenticated
    }
  `,
});

const failing = composeInline({
  crm: /* GraphQL */ `
    type Query {
      customer(id: ID!): Customer @authenticated
    }
    type Customer @key(fields: "id") {
      "Stable id."
      id: ID! @authenticated
      segment: Segment @authenticated
    }
    enum Segment {
      SMB
      ENTERPRISE
    }
    "Changes to a customer."
    input CustomerInput {
      name: String
    }
    type Mutation {
      "Renames."
      rename(input: CustomerInput!): Customer @authenticated
    }
  `,
});

describe('descriptions rule', () => {
  it('passes when every type, field and input field is described (arguments and enum values need none)', () => {
    expect(descriptions(ruleInput(passing))).toEqual([]);
  });

  it('names each undescribed type and field', () => {
    expect(
      descriptions(ruleInput(failing))
        .map(({ coordinate, message }) => `${coordinate}: ${message}`)
        .sort(),
    ).toEqual([
      'Customer.segment: field has no description',
      'Customer: type has no description',
      'CustomerInput.name: input field has no description',
      'Query.customer: field has no description',
      'Segment: enum has no description',
    ]);
  });
});
