import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import { CUSTOMER_FIELDS, customerJson, startCrmPair, type CrmPair } from '../../test/helpers/subgraphs/crm.js';

const { customers } = generateDataset();
const byId = (id: string) => customers.find((c) => c.id === id)!;

const UPDATE = `mutation($id: ID!, $v: String!, $input: UpdateCustomerInput!) {
  updateCustomer(id: $id, expectedVersion: $v, input: $input) { ${CUSTOMER_FIELDS} }
}`;
const READ = `query($id: ID!) { customer(id: $id) { ${CUSTOMER_FIELDS} } }`;
const LOCATIONS = [{ line: 2, column: 3 }];

let pair: CrmPair;
beforeAll(async () => {
  pair = await startCrmPair();
});
afterAll(() => pair?.stop());
beforeEach(() => pair.resetCalls());

const error = (code: string, message: string, extra: Record<string, unknown>) => ({
  data: { updateCustomer: null },
  errors: [{ message, locations: LOCATIONS, path: ['updateCustomer'], extensions: { code, system: 'crm', subgraph: 'crm', ...extra } }],
});

describe('updateCustomer', () => {
  it('lets the first of two interleaved writers win and refuses the stale one', async () => {
    const [readA, readB] = await Promise.all([pair.query(READ, { id: 'cus_0042' }), pair.query(READ, { id: 'cus_0042' })]);
    const version = readA.body.data!.customer.version;
    expect(readB.body.data!.customer.version).toBe(version);

    const a = await pair.query(UPDATE, { id: 'cus_0042', v: version, input: { name: 'Writer A', country: 'NL' } });
    expect(a.body).toEqual({ data: { updateCustomer: { ...customerJson(byId('cus_0042')), name: 'Writer A', country: 'NL', version: '"2"' } } });

    const b = await pair.query(UPDATE, { id: 'cus_0042', v: version, input: { name: 'Writer B' } });
    expect(b.body).toEqual(error('CONFLICT', 'the customer changed since it was read; read it again and retry', { field: 'expectedVersion', currentVersion: '"2"' }));

    const stored = await pair.query(READ, { id: 'cus_0042' });
    expect(stored.body).toEqual({ data: { customer: a.body.data!.updateCustomer } });
  });

  it('normalizes the email and clears nullable fields', async () => {
    const response = await pair.query(UPDATE, { id: 'cus_0043', v: '"1"', input: { email: '  New.Address@Example.COM ', phone: null, accountManager: null } });
    expect(response.body).toEqual({
      data: { updateCustomer: { ...customerJson(byId('cus_0043')), email: 'new.address@example.com', phone: null, accountManager: null, version: '"2"' } },
    });
  });

  it('answers the written customer from the request cache afterwards', async () => {
    const query = `mutation { updateCustomer(id: "cus_0044", expectedVersion: "\\"1\\"", input: { segment: ENTERPRISE, name: "Cached" }) { id version } }`;
    const response = await pair.query(query);
    expect(response.body).toEqual({ data: { updateCustomer: { id: 'cus_0044', version: '"2"' } } });
    expect(await pair.calls()).toEqual({ requests: 1, byRoute: { 'PATCH /customers/:id': 1 } });
  });

  it('rejects bad input before calling the CRM', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ email: 'not-an-email' }, 'input.email', 'email must be an email address'],
      [{ name: '   ' }, 'input.name', 'name must not be empty'],
      [{ country: 'de' }, 'input.country', 'country must be an ISO 3166-1 alpha-2 code such as DE'],
      [{ phone: 'call me' }, 'input.phone', 'phone must be a phone number (digits, spaces, + ( ) - . /)'],
      [{}, 'input', 'input must change at least one field'],
    ];
    for (const [input, field, message] of cases) {
      const response = await pair.query(UPDATE, { id: 'cus_0045', v: '"1"', input });
      expect(response.body).toEqual(error('BAD_USER_INPUT', message, { field }));
    }
    const wildcard = await pair.query(UPDATE, { id: 'cus_0045', v: '*', input: { name: 'Sneaky' } });
    expect(wildcard.body).toEqual(error('BAD_USER_INPUT', 'expectedVersion must be a version read from Customer.version', { field: 'expectedVersion' }));
    expect(await pair.calls()).toEqual({ requests: 0, byRoute: {} });
  });

  it('refuses an email another customer uses', async () => {
    const response = await pair.query(UPDATE, { id: 'cus_0046', v: '"1"', input: { email: byId('cus_0047').email } });
    expect(response.body).toEqual(error('BAD_USER_INPUT', 'another customer already uses this email', { field: 'input.email' }));
  });

  it('answers NOT_FOUND for an unknown id', async () => {
    const response = await pair.query(UPDATE, { id: 'cus_9999', v: '"1"', input: { name: 'Nobody' } });
    expect(response.body).toEqual(error('NOT_FOUND', 'no customer cus_9999', { field: 'id' }));
  });
});
