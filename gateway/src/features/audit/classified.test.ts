import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { deliveredClassified } from './classified.js';

const schema = buildSchema(/* GraphQL */ `
  type Query {
    customer(id: ID!): Customer
    customers: [Customer!]!
    grid: [[Customer]]
    search: [SearchResult!]!
    nodes: [Node!]!
  }
  interface Node {
    id: ID!
    secret: String
  }
  type Customer implements Node {
    id: ID!
    secret: String
    name: String
    email: String
    phone: String
    balance: Money
  }
  type Employee implements Node {
    id: ID!
    secret: String
    email: String
    salary: Money
  }
  type Money {
    amount: String
  }
  union SearchResult = Customer | Employee
`);

const TAGS: Record<string, string[]> = {
  'Customer.email': ['pii'],
  'Customer.phone': ['pii'],
  'Customer.balance': ['financial'],
  'Employee.email': ['pii'],
  'Employee.salary': ['financial', 'pii'],
  'Node.secret': ['secret'],
};

function delivered(query: string, data: unknown, variables?: Record<string, unknown>) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  return deliveredClassified({ schema, document, operation, variables, data, tagsOf: (coordinate) => TAGS[coordinate] });
}

describe('deliveredClassified', () => {
  it('resolves aliases and named fragments and counts non-null values only', () => {
    const query = /* GraphQL */ `
      {
        a: customer(id: "1") {
          ...Contact
        }
        b: customer(id: "2") {
          mail: email
          name
        }
        c: customer(id: "3") {
          ...Contact
        }
      }
      fragment Contact on Customer {
        email
        phone
      }
    `;
    const data = { a: { email: 'x', phone: null }, b: { mail: 'y', name: 'n' }, c: null };
    expect(delivered(query, data)).toEqual([{ coordinate: 'Customer.email', tags: ['pii'], count: 2 }]);
  });

  it('walks lists and nested lists, and counts a classified object once per non-null value', () => {
    const query = /* GraphQL */ `
      {
        customers {
          email
          balance {
            amount
          }
        }
        grid {
          phone
        }
      }
    `;
    const data = {
      customers: [
        { email: 'a', balance: { amount: '1.00' } },
        { email: 'b', balance: null },
        { email: 'c', balance: { amount: null } },
      ],
      grid: [[{ phone: '1' }, null], [], [{ phone: '2' }, { phone: null }]],
    };
    expect(delivered(query, data)).toEqual([
      { coordinate: 'Customer.balance', tags: ['financial'], count: 2 },
      { coordinate: 'Customer.email', tags: ['pii'], count: 3 },
      { coordinate: 'Customer.phone', tags: ['pii'], count: 2 },
    ]);
  });

  it('follows @skip and @include with the request variables', () => {
    const query = /* GraphQL */ `
      query ($withPhone: Boolean!, $noEmail: Boolean = true) {
        customer(id: "1") {
          email @skip(if: $noEmail)
          phone @include(if: $withPhone)
          contact: phone @include(if: false)
        }
      }
    `;
    // The walk follows the operation; a key present in the data but not selected is not counted.
    expect(delivered(query, { customer: { phone: '1', contact: '2' } }, { withPhone: true })).toEqual([{ coordinate: 'Customer.phone', tags: ['pii'], count: 1 }]);
  });

  it('tells union members apart by __typename', () => {
    const query = /* GraphQL */ `
      {
        search {
          __typename
          ... on Customer {
            email
          }
          ... on Employee {
            email
            salary {
              amount
            }
          }
        }
      }
    `;
    const data = {
      search: [
        { __typename: 'Customer', email: 'a' },
        { __typename: 'Employee', email: 'b', salary: { amount: '9' } },
      ],
    };
    expect(delivered(query, data)).toEqual([
      { coordinate: 'Customer.email', tags: ['pii'], count: 1 },
      { coordinate: 'Employee.email', tags: ['pii'], count: 1 },
      { coordinate: 'Employee.salary', tags: ['financial', 'pii'], count: 1 },
    ]);
  });

  it('tells union members apart by their response keys when __typename is not selected', () => {
    const query = /* GraphQL */ `
      {
        search {
          ... on Customer {
            email
            name
          }
          ... on Employee {
            email
          }
        }
      }
    `;
    const data = { search: [{ email: 'a', name: 'n' }, { email: 'b' }] };
    expect(delivered(query, data)).toEqual([
      { coordinate: 'Customer.email', tags: ['pii'], count: 1 },
      { coordinate: 'Employee.email', tags: ['pii'], count: 1 },
    ]);
  });

  it('counts every fitting type when the keys cannot tell them apart (over-reports, never under-reports)', () => {
    const query = /* GraphQL */ `
      {
        search {
          ... on Customer {
            email
          }
          ... on Employee {
            email
          }
        }
      }
    `;
    expect(delivered(query, { search: [{ email: 'a' }] })).toEqual([
      { coordinate: 'Customer.email', tags: ['pii'], count: 1 },
      { coordinate: 'Employee.email', tags: ['pii'], count: 1 },
    ]);
  });

  it('reports interface fields under the concrete type with the interface field tags added', () => {
    const query = /* GraphQL */ `
      {
        nodes {
          __typename
          id
          secret
          ... on Customer {
            phone
          }
        }
      }
    `;
    const data = {
      nodes: [
        { __typename: 'Customer', id: '1', secret: 's', phone: null },
        { __typename: 'Employee', id: '2', secret: 't' },
      ],
    };
    expect(delivered(query, data)).toEqual([
      { coordinate: 'Customer.secret', tags: ['secret'], count: 1 },
      { coordinate: 'Employee.secret', tags: ['secret'], count: 1 },
    ]);
  });

  it('reuses what it worked out from a document on its next request, never the counts, and not across policies or variables', () => {
    const document = parse('{ customers { id email balance { amount } } }');
    const operation = document.definitions[0] as OperationDefinitionNode;
    const tagsOf = (coordinate: string) => TAGS[coordinate];
    const walk = (data: unknown, lookup = tagsOf) => deliveredClassified({ schema, document, operation, variables: undefined, data, tagsOf: lookup });
    const one = { customers: [{ id: '1', email: 'a@x', balance: null }] };
    const two = {
      customers: [
        { id: '1', email: 'a@x', balance: { amount: '1' } },
        { id: '2', email: null, balance: { amount: '2' } },
      ],
    };
    expect(walk(one)).toEqual([{ coordinate: 'Customer.email', tags: ['pii'], count: 1 }]);
    expect(walk(two)).toEqual([
      { coordinate: 'Customer.balance', tags: ['financial'], count: 2 },
      { coordinate: 'Customer.email', tags: ['pii'], count: 1 },
    ]);
    // Another supergraph version's policy, same document: its tags, not the cached ones.
    expect(walk(two, (coordinate) => (coordinate === 'Customer.id' ? ['key'] : undefined))).toEqual([{ coordinate: 'Customer.id', tags: ['key'], count: 2 }]);

    const conditional = parse('query Q($withEmail: Boolean!) { customers { id email @include(if: $withEmail) } }');
    const conditionalOperation = conditional.definitions[0] as OperationDefinitionNode;
    const run = (withEmail: boolean) =>
      deliveredClassified({ schema, document: conditional, operation: conditionalOperation, variables: { withEmail }, data: { customers: [{ id: '1', email: 'a@x' }] }, tagsOf });
    expect(run(true)).toEqual([{ coordinate: 'Customer.email', tags: ['pii'], count: 1 }]);
    expect(run(false)).toEqual([]);
    expect(run(true)).toEqual([{ coordinate: 'Customer.email', tags: ['pii'], count: 1 }]);
  });

  it('delivers nothing when there is no data', () => {
    expect(delivered(`{ customer(id: "1") { email } }`, null)).toEqual([]);
    expect(delivered(`{ customer(id: "1") { email } }`, { customer: null })).toEqual([]);
  });
});
