import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { http } from './helpers/graphql.js';
import { startSecureGraph, type SecureGraph } from './fixtures/secure/harness.js';

/** Reject mode (`AUTHZ_MODE=reject`): any denied field refuses the whole request, nothing is planned or fetched. */
let graph: SecureGraph;
beforeAll(async () => {
  graph = await startSecureGraph({ AUTHZ_MODE: 'reject' });
});
afterAll(() => graph?.stop());
beforeEach(() => graph.resetRequests());

const forbidden = (...coordinates: string[]) => ({
  errors: [{ message: `Not authorized to read ${coordinates.join(', ')}`, extensions: { code: 'FORBIDDEN', denied: coordinates } }],
});

describe('reject mode', () => {
  it('answers 403 with the sorted, unique denied coordinates and asks no subgraph', async () => {
    const response = await graph.query(null, '{ notice user(id: "u1") { balance a: email b: email } members { contact } search(term: "") { ... on Team { budget } } }');
    expect(response.status).toBe(403);
    expect(response.body).toEqual(forbidden('Team.budget', 'User.balance', 'User.contact', 'User.email'));
    expect(await graph.requests('accounts')).toEqual([]);
    expect(await graph.requests('ledger')).toEqual([]);
  });

  it('refuses a denied mutation without executing it', async () => {
    const response = await graph.query('pii:read', 'mutation { refund(orderId: "o1") { id } }');
    expect(response.status).toBe(403);
    expect(response.body).toEqual(forbidden('Mutation.refund'));
    expect((await graph.query('admin', '{ refundCount }')).body).toEqual({ data: { refundCount: 0 } });
  });

  it('serves an operation whose fields are all allowed', async () => {
    const response = await graph.query('pii:read', '{ user(id: "u1") { displayName email } }');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: { user: { displayName: 'Ada Lovelace', email: 'ada@globex.test' } } });
  });

  it('does not count a denied field the variables leave out (and still never sends it)', async () => {
    const query = 'query($withEmail: Boolean!) { user(id: "u1") { displayName email @include(if: $withEmail) } }';
    const excluded = await graph.query(null, query, { withEmail: false });
    expect(excluded.status).toBe(200);
    expect(excluded.body).toEqual({ data: { user: { displayName: 'Ada Lovelace' } } });
    const included = await graph.query(null, query, { withEmail: true });
    expect(included.status).toBe(403);
    expect(included.body).toEqual(forbidden('User.email'));
    expect((await graph.requests('accounts')).map((request) => request.query)).toEqual(['{user(id:"u1"){displayName}}']);
  });

  it('refuses the denied operation of a batch and serves the others', async () => {
    const response = await http('POST', `${graph.gateway.url}/graphql`, {
      headers: await graph.headers('finance:read'),
      body: [{ query: '{ user(id: "u1") { email } }' }, { query: '{ user(id: "u1") { balance } }' }],
    });
    expect(response.body).toEqual([forbidden('User.email'), { data: { user: { balance: 250 } } }]);
  });
});
