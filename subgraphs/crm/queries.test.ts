import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { http } from '../../test/helpers/graphql.js';
import { generateDataset } from '../../systems/seed/generate.js';
import { encodeKeyCursor } from '../shared/cursor.js';
import { CUSTOMER_FIELDS, customerJson, startCrmPair, type CrmPair } from '../../test/helpers/subgraphs/crm.js';

const { customers } = generateDataset();
const byId = (id: string) => customers.find((c) => c.id === id)!;

let pair: CrmPair;
let url: string;
beforeAll(async () => {
  pair = await startCrmPair();
  url = pair.subgraph.url;
});
afterAll(() => pair?.stop());
beforeEach(() => pair.resetCalls());

describe('crm subgraph reads', () => {
  it('answers customer(id) with every field from the CRM', async () => {
    const response = await pair.query(`{ customer(id: "cus_0001") { ${CUSTOMER_FIELDS} } }`);
    expect(response.body).toEqual({ data: { customer: customerJson(byId('cus_0001')) } });
  });

  it('answers null for an unknown id', async () => {
    const response = await pair.query(`{ customer(id: "cus_9999") { id } }`);
    expect(response.body).toEqual({ data: { customer: null } });
  });

  it('finds a customer by email, case-insensitively', async () => {
    const email = byId('cus_0002').email.toUpperCase();
    const response = await pair.query(`query($email: String!) { customerByEmail(email: $email) { id email } }`, { email });
    expect(response.body).toEqual({ data: { customerByEmail: { id: 'cus_0002', email: byId('cus_0002').email } } });
  });

  it('pages customers with endCursor', async () => {
    const query = `query($after: String) { customers(first: 3, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`;
    const first = await pair.query(query);
    expect(first.body.data!.customers.nodes).toEqual([{ id: 'cus_0001' }, { id: 'cus_0002' }, { id: 'cus_0003' }]);
    expect(first.body.data!.customers.pageInfo.hasNextPage).toBe(true);
    const second = await pair.query(query, { after: first.body.data!.customers.pageInfo.endCursor });
    expect(second.body.data!.customers.nodes).toEqual([{ id: 'cus_0004' }, { id: 'cus_0005' }, { id: 'cus_0006' }]);
    expect(await pair.calls()).toEqual({ requests: 2, byRoute: { 'GET /customers': 2 } });
  });

  it('walks the CRM pages, at most 100 customers a call, to the end of the list', async () => {
    const response = await pair.query(`{ customers(first: 1000) { nodes { id } pageInfo { hasNextPage endCursor } } }`);
    const { nodes, pageInfo } = response.body.data!.customers;
    expect(nodes.map((n: { id: string }) => n.id)).toEqual(customers.map((c) => c.id));
    expect(pageInfo.hasNextPage).toBe(false);
    expect(await pair.calls()).toEqual({ requests: 4, byRoute: { 'GET /customers': 4 } });

    const after = await pair.query(`query($after: String) { customers(after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`, { after: pageInfo.endCursor });
    expect(after.body).toEqual({ data: { customers: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } } });
  });

  it('filters by segment and country', async () => {
    const response = await pair.query(`{ customers(first: 1000, segment: ENTERPRISE, country: "DE") { nodes { id } } }`);
    const expected = customers.filter((c) => c.segment === 'ENTERPRISE' && c.country === 'DE').map((c) => ({ id: c.id }));
    expect(response.body).toEqual({ data: { customers: { nodes: expected } } });
  });

  it.each([
    ['an old unversioned CRM cursor', Buffer.from('c:Y3VzXzAwMDI', 'utf8').toString('base64url')],
    ["another list's cursor", encodeKeyCursor('erp.orders', [1, 2])],
    ['a versioned cursor wrapping a CRM cursor the CRM refuses', encodeKeyCursor('crm.customers', ['not-a-crm-cursor'])],
  ])('rejects %s with BAD_USER_INPUT on after', async (_what, after) => {
    const response = await pair.query('query ($after: String) { customers(first: 2, after: $after) { nodes { id } } }', { after });
    expect(response.body.errors?.[0]).toMatchObject({
      message: 'after is not a cursor returned by this field',
      extensions: { code: 'BAD_USER_INPUT', field: 'after', system: 'crm' },
    });
  });

  it('rejects a cursor it did not hand out', async () => {
    const response = await pair.query(`{ customers(first: 2, after: "bogus") { nodes { id } } }`);
    expect(response.body).toEqual({
      data: null,
      errors: [
        {
          message: 'after is not a cursor returned by this field',
          locations: [{ line: 1, column: 3 }],
          path: ['customers'],
          extensions: { code: 'BAD_USER_INPUT', system: 'crm', subgraph: 'crm', field: 'after' },
        },
      ],
    });
  });
});

describe('crm subgraph entity batching', () => {
  const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name } } }`;

  it('resolves 250 customers by id with 3 CRM calls', async () => {
    const ids = customers
      .slice(0, 249)
      .map((c) => c.id)
      .concat('cus_9999');
    const response = await pair.query(entities, { r: ids.map((id) => ({ __typename: 'Customer', id })) });
    const expected = customers.slice(0, 249).map((c) => ({ id: c.id, name: c.name }));
    expect(response.body).toEqual({ data: { _entities: [...expected, null] } });
    expect(await pair.calls()).toEqual({ requests: 3, byRoute: { 'GET /customers': 3 } });
  });

  it('resolves 150 customers by email with 2 CRM calls', async () => {
    const chosen = customers.slice(100, 250);
    const response = await pair.query(entities, { r: chosen.map((c) => ({ __typename: 'Customer', email: c.email })) });
    expect(response.body).toEqual({ data: { _entities: chosen.map((c) => ({ id: c.id, name: c.name })) } });
    expect(await pair.calls()).toEqual({ requests: 2, byRoute: { 'GET /customers': 2 } });
  });

  it('serves the readiness check from the CRM health endpoint', async () => {
    expect((await http('GET', `${url}/readyz`)).body).toEqual({ status: 'ready', subgraph: 'crm' });
  });
});
