import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import { HARNESS_PRINCIPAL } from '../../test/helpers/tokens.js';
import type { Principal } from '../shared/context.js';
import { CUSTOMER_FIELDS, customerJson, startCrmPair, type CrmPair } from '../../test/helpers/subgraphs/crm.js';
import { portalPrincipal } from '../../test/helpers/subgraphs/row-level.js';

/**
 * Row-level rules of the crm subgraph, called directly with the gateway's internal token for a
 * portal principal of cus_0001: another customer's record is `null` + FORBIDDEN, never data.
 */
const { customers } = generateDataset();
const A = customers.find((customer) => customer.id === 'cus_0001')!;
const B = customers.find((customer) => customer.id === 'cus_0002')!;
const PORTAL_A = portalPrincipal(A);

const ENTITIES = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name } } }';
const UPDATE = 'mutation ($id: ID!, $v: String!, $input: UpdateCustomerInput!) { updateCustomer(id: $id, expectedVersion: $v, input: $input) { id name version } }';

const column = (query: string, token: string) => query.indexOf(token) + 1;
const forbidden = (path: (string | number)[], col: number, extra: Record<string, unknown> = {}) => ({
  message: "not allowed to access another customer's customer record",
  locations: [{ line: 1, column: col }],
  path,
  extensions: { code: 'FORBIDDEN', system: 'crm', subgraph: 'crm', ...extra },
});

let pair: CrmPair;
const query = async (text: string, variables?: Record<string, unknown>, principal: Principal = PORTAL_A) => (await pair.query(text, variables, principal)).body;
beforeAll(async () => {
  pair = await startCrmPair();
});
afterAll(() => pair?.stop());
beforeEach(() => pair.resetCalls());

describe('crm row-level rules for a portal principal of cus_0001', () => {
  it("answers another customer's customer(id) with null and FORBIDDEN without asking the CRM", async () => {
    expect(await query(`{ customer(id: "${B.id}") { ${CUSTOMER_FIELDS} } }`)).toEqual({
      data: { customer: null },
      errors: [forbidden(['customer'], 3)],
    });
    expect(await pair.calls()).toEqual({ requests: 0, byRoute: {} });
  });

  it('answers its own record', async () => {
    expect(await query(`{ customer(id: "${A.id}") { ${CUSTOMER_FIELDS} } }`)).toEqual({ data: { customer: customerJson(A) } });
  });

  it("answers another customer's email, or an unknown one, with null and FORBIDDEN; its own with the record", async () => {
    const byEmail = 'query ($email: String!) { customerByEmail(email: $email) { id email } }';
    for (const email of [B.email, 'nobody@nowhere.example']) {
      expect(await query(byEmail, { email })).toEqual({ data: { customerByEmail: null }, errors: [forbidden(['customerByEmail'], column(byEmail, 'customerByEmail('))] });
    }
    expect(await query(byEmail, { email: A.email.toUpperCase() })).toEqual({ data: { customerByEmail: { id: A.id, email: A.email } } });
  });

  it('lists only its own record, without walking the CRM list', async () => {
    const list = '{ customers(first: 1000) { nodes { id } pageInfo { hasNextPage endCursor } } }';
    const body = await query(list);
    expect(body).toEqual({ data: { customers: { nodes: [{ id: A.id }], pageInfo: { hasNextPage: false, endCursor: expect.any(String) } } } });
    expect(await pair.calls()).toEqual({ requests: 1, byRoute: { 'GET /customers': 1 } });

    const after = `query ($after: String) { customers(after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`;
    expect(await query(after, { after: body.data!.customers.pageInfo.endCursor })).toEqual({
      data: { customers: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } },
    });
    const otherSegment = A.segment === 'ENTERPRISE' ? 'SMB' : 'ENTERPRISE';
    expect(await query(`{ customers(segment: ${otherSegment}) { nodes { id } } }`)).toEqual({ data: { customers: { nodes: [] } } });
    expect(await query(`{ customers(first: 0, country: "${A.country}") { nodes { id } pageInfo { hasNextPage } } }`)).toEqual({
      data: { customers: { nodes: [], pageInfo: { hasNextPage: true } } },
    });
  });

  it("answers another customer's entity references, by id or email, with null and FORBIDDEN", async () => {
    const body = await query(ENTITIES, {
      r: [
        { __typename: 'Customer', id: B.id },
        { __typename: 'Customer', id: A.id },
        { __typename: 'Customer', email: B.email },
        { __typename: 'Customer', email: A.email },
      ],
    });
    const at = column(ENTITIES, '_entities');
    expect(body).toEqual({
      data: { _entities: [null, { id: A.id, name: A.name }, null, { id: A.id, name: A.name }] },
      errors: [forbidden(['_entities', 0], at), forbidden(['_entities', 2], at)],
    });
    // One batched call per key kind; B's id is refused without one.
    expect(await pair.calls()).toEqual({ requests: 2, byRoute: { 'GET /customers': 2 } });
  });

  it('leaves principals without a customer unrestricted', async () => {
    expect(await query(`{ customer(id: "${B.id}") { id } }`, undefined, HARNESS_PRINCIPAL)).toEqual({ data: { customer: { id: B.id } } });
  });

  it("refuses to update another customer's record without calling the CRM", async () => {
    const body = await query(UPDATE, { id: B.id, v: '"1"', input: { name: 'Taken over' } });
    expect(body).toEqual({
      data: { updateCustomer: null },
      errors: [forbidden(['updateCustomer'], column(UPDATE, 'updateCustomer('), { field: 'id' })],
    });
    expect(await pair.calls()).toEqual({ requests: 0, byRoute: {} });
    expect(await query(`{ customer(id: "${B.id}") { ${CUSTOMER_FIELDS} } }`, undefined, HARNESS_PRINCIPAL)).toEqual({ data: { customer: customerJson(B) } });
  });

  it('updates its own record', async () => {
    expect(await query(UPDATE, { id: A.id, v: '"1"', input: { phone: '+43 1 234 5678' } })).toEqual({
      data: { updateCustomer: { id: A.id, name: A.name, version: '"2"' } },
    });
  });
});
