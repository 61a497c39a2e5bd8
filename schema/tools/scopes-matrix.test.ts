import { describe, expect, it } from 'vitest';
import { readSupergraphPolicy } from '../../gateway/src/authz/policy.js';
import { supergraph } from './scopes-fixture.js';
import { formatMatrix, scopeMatrix } from './scopes-matrix.js';

const small = readSupergraphPolicy(
  supergraph(/* GraphQL */ `
    type Query @join__type(graph: CRM) @join__type(graph: SUPPORT) {
      customer(id: ID!): Customer @join__field(graph: CRM) @requiresScopes(scopes: [["crm:read"], ["support:read"]])
    }

    type Customer @join__type(graph: CRM, key: "id") @join__type(graph: SUPPORT, key: "email") {
      id: ID! @join__field(graph: CRM) @requiresScopes(scopes: [["crm:read"]])
      email: String! @join__field(graph: CRM) @join__field(graph: SUPPORT) @requiresScopes(scopes: [["crm:read", "pii:read"]]) @tag(name: "pii")
      note: String @join__field(graph: SUPPORT)
    }

    type PageInfo @join__type(graph: CRM) @join__type(graph: SUPPORT) {
      endCursor: String @authenticated
    }
  `),
);

describe('scopes matrix', () => {
  it('lists every field sorted, with its rule, authentication, tags and owners, as JSON', () => {
    expect(JSON.parse(formatMatrix(scopeMatrix(small), 'json'))).toEqual({
      fields: [
        {
          coordinate: 'Customer.email',
          type: 'Customer',
          field: 'email',
          requires: 'crm:read AND pii:read',
          scopes: [['crm:read', 'pii:read']],
          authenticated: true,
          tags: ['pii'],
          subgraphs: ['crm', 'support'],
        },
        { coordinate: 'Customer.id', type: 'Customer', field: 'id', requires: 'crm:read', scopes: [['crm:read']], authenticated: true, tags: [], subgraphs: ['crm'] },
        { coordinate: 'Customer.note', type: 'Customer', field: 'note', requires: '', scopes: null, authenticated: false, tags: [], subgraphs: ['support'] },
        { coordinate: 'PageInfo.endCursor', type: 'PageInfo', field: 'endCursor', requires: '', scopes: null, authenticated: true, tags: [], subgraphs: ['crm', 'support'] },
        {
          coordinate: 'Query.customer',
          type: 'Query',
          field: 'customer',
          requires: 'crm:read OR support:read',
          scopes: [['crm:read'], ['support:read']],
          authenticated: true,
          tags: [],
          subgraphs: ['crm'],
        },
      ],
    });
  });

  it('prints the same rows as an aligned table', () => {
    expect(formatMatrix(scopeMatrix(small), 'table')).toBe(
      [
        'FIELD               REQUIRES                  AUTHENTICATED  TAGS  SUBGRAPHS',
        '------------------  ------------------------  -------------  ----  -----------',
        'Customer.email      crm:read AND pii:read     yes            pii   crm support',
        'Customer.id         crm:read                  yes                  crm',
        'Customer.note       (public)                  no                   support',
        'PageInfo.endCursor  (authenticated)           yes                  crm support',
        'Query.customer      crm:read OR support:read  yes                  crm',
        '',
      ].join('\n'),
    );
  });

  it('prints CSV with a header row', () => {
    expect(formatMatrix(scopeMatrix(small), 'csv')).toBe(
      [
        'coordinate,type,field,requires,authenticated,tags,subgraphs',
        'Customer.email,Customer,email,crm:read AND pii:read,true,pii,crm support',
        'Customer.id,Customer,id,crm:read,true,,crm',
        'Customer.note,Customer,note,,false,,support',
        'PageInfo.endCursor,PageInfo,endCursor,,true,,crm support',
        'Query.customer,Query,customer,crm:read OR support:read,true,,crm',
        '',
      ].join('\n'),
    );
  });
});
