import { describe, expect, it } from 'vitest';
import { composeInline, ruleInput } from '../test-support.js';
import { singleSource } from './single-source.js';

const crm = /* GraphQL */ `
  type Query {
    customer(id: ID!): Customer @authenticated
  }
  type Customer @key(fields: "id") @key(fields: "email") {
    id: ID! @authenticated
    email: String! @authenticated
    name: String @shareable @authenticated
  }
  type PageInfo @shareable {
    hasNextPage: Boolean! @authenticated
  }
`;
const support = /* GraphQL */ `
  type Query {
    pages: PageInfo @authenticated
  }
  type Customer @key(fields: "email") {
    email: String! @authenticated
    name: String @shareable @authenticated
  }
  type PageInfo @shareable {
    hasNextPage: Boolean! @authenticated
  }
`;
const shared = composeInline({ crm, support });
const single = composeInline({ crm: crm.replace(' @shareable @authenticated', ' @authenticated'), support: support.replace('  name: String @shareable @authenticated\n', '') });

describe('single source of truth rule', () => {
  it('passes when the only shared non-key fields are allow-listed with reason and approver; keys need no entry', () => {
    const shareable = [
      { coordinate: 'Customer.name', reason: 'support caches the requester name', approvedBy: 'customer-platform' },
      { coordinate: 'PageInfo', reason: 'pagination value type', approvedBy: 'architecture' },
    ];
    expect(singleSource(ruleInput(shared, { shareable }))).toEqual([]);
  });

  it('fails a shared field without an entry or with an incomplete one, and warns about a stale entry', () => {
    const shareable = [
      { coordinate: 'PageInfo', reason: 'pagination value type' },
      { coordinate: 'Customer.email', reason: 'old', approvedBy: 'x' },
    ];
    expect(singleSource(ruleInput(shared, { shareable }))).toEqual([
      {
        severity: 'error',
        rule: 'single-source',
        coordinate: 'Customer.name',
        subgraphs: ['crm', 'support'],
        message: 'non-key field resolved by crm, support: make one subgraph its source, or add it to schema/shareable.yaml with a reason and approvedBy',
      },
      {
        severity: 'error',
        rule: 'single-source',
        coordinate: 'PageInfo.hasNextPage',
        subgraphs: ['crm', 'support'],
        message: 'non-key field resolved by crm, support: its schema/shareable.yaml entry PageInfo lacks approvedBy',
      },
      {
        severity: 'warning',
        rule: 'single-source',
        coordinate: 'Customer.email',
        message: 'schema/shareable.yaml lists it but no non-key field of it is shared any more: remove the entry',
      },
    ]);
    expect(singleSource(ruleInput(single, { shareable: [{ coordinate: 'PageInfo', reason: 'r', approvedBy: 'a' }] }))).toEqual([]);
  });
});
