import { describe, expect, it } from 'vitest';
import { composeInline, ruleInput } from '../test-support.js';
import { listSizes } from './list-sizes.js';

const HEADER = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@requiresScopes"])
  @link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])
`;

/** A supergraph with one unpaged list, `Customer.notes`, declared with `notesDirective`. */
const supergraph = (notesDirective: string) =>
  composeInline({
    crm:
      HEADER +
      /* GraphQL */ `
        type Query {
          customers(first: Int = 20): CustomerConnection! @requiresScopes(scopes: [["crm:read"]])
        }
        type CustomerConnection {
          nodes: [Customer!]! @requiresScopes(scopes: [["crm:read"]])
        }
        type Customer @key(fields: "id") {
          id: ID! @requiresScopes(scopes: [["crm:read"]])
          notes: [Note!]! @requiresScopes(scopes: [["crm:read"]]) ${notesDirective}
          tags: [String!]! @requiresScopes(scopes: [["crm:read"]])
        }
        type Note {
          text: String! @requiresScopes(scopes: [["crm:read"]])
        }
      `,
  });

describe('list size rule', () => {
  it('passes lists that page, lists reached only through a paged field, lists of scalars and declared ones', () => {
    expect(listSizes(ruleInput(supergraph('@listSize(assumedSize: 10)')))).toEqual([]);
  });

  it('fails an unpaged list of objects without @listSize, naming it', () => {
    expect(listSizes(ruleInput(supergraph('')))).toEqual([
      {
        severity: 'error',
        rule: 'list-size',
        coordinate: 'Customer.notes',
        message:
          'Customer.notes returns a list with no first/last: declare how many items it holds with @listSize(assumedSize: N) (cost spec), or the cost limit counts it as one item however long it is',
      },
    ]);
  });
});
