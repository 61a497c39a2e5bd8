import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { http } from './helpers/graphql.js';
import { startSecureGraph, type SecureGraph } from './fixtures/secure/harness.js';

/**
 * Filter mode (the default) over real HTTP: a gateway process on the Globex fixture supergraph
 * (test/fixtures/secure, a policy on fields and types), callers with real dev-issuer tokens, and
 * subgraphs that record what they were asked — so "never fetched" is proved by the subgraph.
 */
let graph: SecureGraph;
beforeAll(async () => {
  graph = await startSecureGraph();
});
afterAll(() => graph?.stop());
beforeEach(() => graph.resetRequests());

const denied = (coordinate: string, path: Array<string | number>) => ({
  message: `Not authorized to read ${coordinate}`,
  path,
  extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', coordinate },
});
const sent = async (subgraph: 'accounts' | 'ledger') => (await graph.requests(subgraph)).map((request) => request.query);

describe('filter mode: denied fields are removed before planning and answered null + error', () => {
  it('answers two aliases of one denied field with two errors at their alias paths', async () => {
    const response = await graph.query(null, '{ notice user(id: "u1") { a: email displayName b: email } }');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: { notice: 'Maintenance on Sunday', user: { a: null, displayName: 'Ada Lovelace', b: null } },
      errors: [denied('User.email', ['user', 'a']), denied('User.email', ['user', 'b'])],
    });
    expect(await sent('accounts')).toEqual(['{notice user(id:"u1"){displayName}}']);
  });

  it('keeps the fields in the order the client asked for them', async () => {
    const response = await graph.query(null, '{ user(id: "u1") { email displayName profile { bio } id } notice }');
    expect(JSON.stringify(response.body.data)).toBe('{"user":{"email":null,"displayName":"Ada Lovelace","profile":{"bio":"Analyst"},"id":"u1"},"notice":"Maintenance on Sunday"}');
  });

  it('removes denied fields inside named and inline fragments, per use', async () => {
    const response = await graph.query(
      'pii:read',
      `query Cards {
        first: user(id: "u1") { ...Card }
        second: user(id: "u2") { ... on User { displayName balance } }
      }
      fragment Card on User { displayName email balance }`,
    );
    expect(response.body).toEqual({
      data: {
        first: { displayName: 'Ada Lovelace', email: 'ada@globex.test', balance: null },
        second: { displayName: 'Grace Hopper', balance: null },
      },
      errors: [denied('User.balance', ['first', 'balance']), denied('User.balance', ['second', 'balance'])],
    });
    expect(await sent('ledger')).toEqual([]);
  });

  it('denies a union member field on that member only', async () => {
    const response = await graph.query('pii:read', '{ search(term: "") { ... on User { displayName email } ... on Team { name budget } } }');
    expect(response.body).toEqual({
      data: {
        search: [
          { displayName: 'Ada Lovelace', email: 'ada@globex.test' },
          { name: 'Core', budget: null },
          { displayName: 'Grace Hopper', email: 'grace@globex.test' },
        ],
      },
      errors: [denied('Team.budget', ['search', 1, 'budget'])],
    });
    expect(await sent('accounts')).toEqual(['{search(term:""){__typename ...on User{displayName email}...on Team{name}__authz_typename:__typename}}']);
  });

  it('reads an interface field only from the implementations that allow it', async () => {
    const response = await graph.query(null, '{ members { id displayName contact } }');
    expect(response.body).toEqual({
      data: {
        members: [
          { id: 'u1', displayName: 'Ada Lovelace', contact: null },
          { id: 'b1', displayName: 'Deploy bot', contact: 'ops@globex.test' },
        ],
      },
      errors: [denied('User.contact', ['members', 0, 'contact'])],
    });
    expect(await sent('accounts')).toEqual(['{members{__typename id displayName ...on Bot{contact}__authz_typename:__typename}}']);
  });

  it('applies @include/@skip with the request variables, and never sends the denied field', async () => {
    const query =
      'query Profile($withEmail: Boolean!, $hideNotice: Boolean = false) { notice @skip(if: $hideNotice) user(id: "u2") { displayName email @include(if: $withEmail) } }';
    const included = await graph.query(null, query, { withEmail: true });
    expect(included.body).toEqual({
      data: { notice: 'Maintenance on Sunday', user: { displayName: 'Grace Hopper', email: null } },
      errors: [denied('User.email', ['user', 'email'])],
    });
    const excluded = await graph.query(null, query, { withEmail: false, hideNotice: true });
    expect(excluded.body).toEqual({ data: { user: { displayName: 'Grace Hopper' } } });
    const asked = await graph.requests('accounts');
    expect(asked.map((request) => request.query)).toEqual([
      'query Profile__accounts__0($hideNotice:Boolean=false){notice@skip(if:$hideNotice)user(id:"u2"){displayName}}',
      'query Profile__accounts__0($hideNotice:Boolean=false){notice@skip(if:$hideNotice)user(id:"u2"){displayName}}',
    ]);
  });

  it('never fetches a denied entity field from the subgraph that serves it', async () => {
    const onlyDenied = await graph.query('pii:read', '{ user(id: "u1") { displayName balance } }');
    expect(onlyDenied.body).toEqual({ data: { user: { displayName: 'Ada Lovelace', balance: null } }, errors: [denied('User.balance', ['user', 'balance'])] });
    expect(await sent('ledger')).toEqual([]);

    const mixed = await graph.query('pii:read', '{ user(id: "u1") { displayName balance orders { item margin total } } }');
    expect(mixed.body).toEqual({
      data: { user: { displayName: 'Ada Lovelace', balance: null, orders: [{ item: 'Anvil', margin: null, total: 100 }] } },
      errors: [denied('User.balance', ['user', 'balance']), denied('Order.margin', ['user', 'orders', 0, 'margin'])],
    });
    expect(await sent('ledger')).toEqual(['query($representations:[_Any!]!){_entities(representations:$representations){...on User{orders{item total}}}}']);
  });

  it('moves the null of a denied non-null field to the nearest nullable position, through lists', async () => {
    const response = await graph.query(null, '{ notice user(id: "u1") { displayName profile { bio salary } } recentUsers { displayName taxId } }');
    expect(response.body).toEqual({
      data: { notice: 'Maintenance on Sunday', user: null, recentUsers: [null, null] },
      errors: [denied('Profile.salary', ['user', 'profile', 'salary']), denied('User.taxId', ['recentUsers', 0, 'taxId']), denied('User.taxId', ['recentUsers', 1, 'taxId'])],
    });
    const root = await graph.query(null, '{ notice users { taxId } }');
    expect(root.body).toEqual({ data: null, errors: [denied('User.taxId', ['users', 0, 'taxId']), denied('User.taxId', ['users', 1, 'taxId'])] });
  });

  it('denies a field whose type has a type-level policy', async () => {
    const withoutBilling = await graph.query('finance:read', '{ orders { id invoice { number } } }');
    expect(withoutBilling.body).toEqual({
      data: {
        orders: [
          { id: 'o1', invoice: null },
          { id: 'o2', invoice: null },
        ],
      },
      errors: [denied('Order.invoice', ['orders', 0, 'invoice']), denied('Order.invoice', ['orders', 1, 'invoice'])],
    });
    const withBilling = await graph.query('billing:read', '{ orders { id invoice { number } } }');
    expect(withBilling.body).toEqual({
      data: {
        orders: [
          { id: 'o1', invoice: { number: 'INV-1' } },
          { id: 'o2', invoice: null },
        ],
      },
    });
  });

  it('lets @authenticated fields through for any signed-in caller only', async () => {
    expect((await graph.query(null, '{ me { id } }')).body).toEqual({ data: { me: null }, errors: [denied('Query.me', ['me'])] });
    expect((await graph.query('', '{ me { id } }')).body).toEqual({ data: { me: { id: 'u1' } } });
  });

  it('answers a denied mutation field null + error and never executes the write', async () => {
    const response = await graph.query('pii:read', 'mutation Refund { refund(orderId: "o2") { id refunded } }');
    expect(response.body).toEqual({ data: { refund: null }, errors: [denied('Mutation.refund', ['refund'])] });
    expect(await sent('ledger')).toEqual([]);
    expect((await graph.query('admin', '{ refundCount orders { id refunded } }')).body).toEqual({
      data: {
        refundCount: 0,
        orders: [
          { id: 'o1', refunded: false },
          { id: 'o2', refunded: false },
        ],
      },
    });
    const allowed = await graph.query('finance:write', 'mutation Refund { refund(orderId: "o2") { id refunded } }');
    expect(allowed.body).toEqual({ data: { refund: { id: 'o2', refunded: true } } });
  });

  it('gives two callers with different scopes different answers to the same query (own plans)', async () => {
    const query = '{ user(id: "u2") { email balance } }';
    const asPii = { data: { user: { email: 'grace@globex.test', balance: null } }, errors: [denied('User.balance', ['user', 'balance'])] };
    const asFinance = { data: { user: { email: null, balance: -40 } }, errors: [denied('User.email', ['user', 'email'])] };
    expect((await graph.query('pii:read', query)).body).toEqual(asPii);
    expect((await graph.query('finance:read', query)).body).toEqual(asFinance);
    expect((await graph.query('pii:read', query)).body).toEqual(asPii);
    expect((await graph.query('pii:read finance:read', query)).body).toEqual({ data: { user: { email: 'grace@globex.test', balance: -40 } } });
  });

  it('enforces each operation of a batched HTTP request', async () => {
    const response = await http('POST', `${graph.gateway.url}/graphql`, {
      headers: await graph.headers('finance:read'),
      body: [{ query: '{ user(id: "u1") { email } }' }, { query: '{ user(id: "u1") { balance } }' }],
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual([{ data: { user: { email: null } }, errors: [denied('User.email', ['user', 'email'])] }, { data: { user: { balance: 250 } } }]);
  });

  it('enforces an automatic persisted query sent with its text, then by hash only', async () => {
    const query = '{ user(id: "u1") { displayName email } }';
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    const expected = { data: { user: { displayName: 'Ada Lovelace', email: null } }, errors: [denied('User.email', ['user', 'email'])] };
    const registered = await http('POST', `${graph.gateway.url}/graphql`, { body: { query, extensions: { persistedQuery } } });
    expect(registered.body).toEqual(expected);
    const byHash = await http('POST', `${graph.gateway.url}/graphql`, { body: { extensions: { persistedQuery } } });
    expect(byHash.body).toEqual(expected);
    const byHashWithPii = await http('POST', `${graph.gateway.url}/graphql`, { headers: await graph.headers('pii:read'), body: { extensions: { persistedQuery } } });
    expect(byHashWithPii.body).toEqual({ data: { user: { displayName: 'Ada Lovelace', email: 'ada@globex.test' } } });
    expect(await sent('accounts')).toEqual(['{user(id:"u1"){displayName}}', '{user(id:"u1"){displayName}}', '{user(id:"u1"){displayName email}}']);
  });

  it('keeps federation internals unreachable: _entities and _service fail validation', async () => {
    const entities = await graph.query('admin', 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { email } } }', { r: [{ __typename: 'User', id: 'u1' }] });
    expect(entities.status).toBe(400);
    expect(entities.body.errors?.map(({ message, extensions }) => ({ message, code: extensions?.code }))).toEqual([
      { message: 'Unknown type "_Any".', code: 'GRAPHQL_VALIDATION_FAILED' },
      { message: 'Cannot query field "_entities" on type "Query".', code: 'GRAPHQL_VALIDATION_FAILED' },
    ]);
    const service = await graph.query('admin', '{ _service { sdl } }');
    expect(service.status).toBe(400);
    expect(service.body).toEqual({
      errors: [{ message: 'Cannot query field "_service" on type "Query".', locations: [{ line: 1, column: 3 }], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
    });
    expect(await sent('accounts')).toEqual([]);
  });
});
