import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { mayDeliverClassified } from './classified-selection.js';

const schema = buildSchema(/* GraphQL */ `
  type Query {
    customer(id: ID!): Customer
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
  }
  type Employee implements Node {
    id: ID!
    secret: String
    salary: String
  }
  union SearchResult = Customer | Employee
`);
const TAGS: Record<string, string[]> = { 'Customer.email': ['pii'], 'Employee.salary': ['financial'], 'Node.secret': ['secret'] };
const verdict = (query: string) => mayDeliverClassified(schema, parse(query), (coordinate) => TAGS[coordinate]);

describe('mayDeliverClassified', () => {
  it('is false when no selected field is classified, so the answer is not walked', () => {
    expect(verdict('{ customer(id: "1") { id name } search { __typename ... on Customer { name } } }')).toBe(false);
  });

  it('finds classified fields in fragments, behind @skip, on interfaces and on possible types', () => {
    expect(verdict('{ customer(id: "1") { ...F } } fragment F on Customer { email }')).toBe(true);
    expect(verdict('query($s: Boolean!) { customer(id: "1") { email @skip(if: $s) } }')).toBe(true);
    // Selected on the interface, classified on the object type (and the other way round).
    expect(verdict('{ nodes { ... on Employee { salary } } }')).toBe(true);
    expect(verdict('{ customer(id: "1") { secret } }')).toBe(true);
    expect(verdict('{ search { ... on Node { secret } } }')).toBe(true);
  });

  it('remembers the verdict per document object', () => {
    const document = parse('{ customer(id: "1") { email } }');
    let lookups = 0;
    const tagsOf = (coordinate: string) => (lookups++, TAGS[coordinate]);
    expect(mayDeliverClassified(schema, document, tagsOf)).toBe(true);
    const afterFirst = lookups;
    expect(mayDeliverClassified(schema, document, tagsOf)).toBe(true);
    expect(lookups).toBe(afterFirst);
  });
});
