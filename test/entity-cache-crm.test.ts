import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../subgraphs/shared/context.js';
import { CRM_PAIR_API_KEY, CRM_PAIR_WEBHOOK_SECRET, startCrmPair, type CrmPair } from './helpers/subgraphs/crm.js';
import { signWebhook } from '../systems/crm/webhooks.js';
import { dataset } from './helpers/expected.js';
import { http } from './helpers/graphql.js';

/**
 * The crm subgraph's in-memory entity cache, as real processes (CRM stand-in + subgraph): row-level
 * rules over cached records, the change webhook's signature check, invalidation after a version
 * conflict, and stale-if-error when the CRM is gone. CRM calls are counted at the stand-in.
 */
const [A, B, C, D] = ['cus_0001', 'cus_0002', 'cus_0003', 'cus_0004'].map((id) => dataset.customers.find((customer) => customer.id === id)!);
const PORTAL_A: Principal = { subject: 'portal-a', scopes: ['crm:read', 'pii:read', 'crm:write'], customerId: A!.id, email: A!.email };
const CACHE_ON = { ENTITY_CACHE: 'on', NODE_ENV: 'test' };
const SECRET = CRM_PAIR_WEBHOOK_SECRET;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const counters = async (pair: CrmPair) => (await http<Record<string, number>>('GET', `${pair.subgraph.url}/debug/counters`)).body;

describe('crm entity cache', () => {
  let pair: CrmPair;
  beforeAll(async () => {
    pair = await startCrmPair({}, CACHE_ON);
  });
  afterAll(() => pair?.stop());
  beforeEach(async () => {
    await pair.resetCalls();
    await http('POST', `${pair.subgraph.url}/debug/counters/reset`);
  });

  it("still refuses a portal principal another customer's record when it is cached", async () => {
    // An unrestricted caller puts B in the cache, by id and by email.
    expect((await pair.query(`{ customer(id: "${B!.id}") { id name } }`)).body).toEqual({ data: { customer: { id: B!.id, name: B!.name } } });
    const byEmail = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name } } }';
    expect((await pair.query(byEmail, { r: [{ __typename: 'Customer', email: B!.email }] })).body).toEqual({ data: { _entities: [{ id: B!.id, name: B!.name }] } });
    expect((await pair.calls()).requests).toBe(2);
    await pair.resetCalls();
    await http('POST', `${pair.subgraph.url}/debug/counters/reset`);

    const byId = await pair.query(`{ customer(id: "${B!.id}") { id name } }`, undefined, PORTAL_A);
    expect(byId.body.data).toEqual({ customer: null });
    expect(byId.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    // By email the owner is known only after loading: the record comes from the cache and is still refused.
    const entity = await pair.query(byEmail, { r: [{ __typename: 'Customer', email: B!.email }] }, PORTAL_A);
    expect(entity.body.data).toEqual({ _entities: [null] });
    expect(entity.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    expect((await pair.calls()).requests).toBe(0);
    // The portal's by-id request is refused before the cache is asked; by email, mapping and record are hits.
    expect(await counters(pair)).toMatchObject({ entityCacheHits: 2, entityCacheMisses: 0 });
  });

  it('replaces the cached record when updateCustomer succeeds: the next read is the new one, without a CRM call', async () => {
    const read = `{ customer(id: "${C!.id}") { name version } }`;
    expect((await pair.query(read)).body).toEqual({ data: { customer: { name: C!.name, version: '"1"' } } });
    const update = 'mutation { updateCustomer(id: "cus_0003", expectedVersion: "\\"1\\"", input: { name: "Renamed" }) { version } }';
    expect((await pair.query(update)).body).toEqual({ data: { updateCustomer: { version: '"2"' } } });
    await pair.resetCalls();
    expect((await pair.query(read)).body).toEqual({ data: { customer: { name: 'Renamed', version: '"2"' } } });
    expect((await pair.calls()).requests).toBe(0);
    expect(await counters(pair)).toMatchObject({ entityCacheInvalidations: 2 });
  });

  it('reads a customer again after a CONFLICT, so a stale cached version cannot block writes', async () => {
    const read = `{ customer(id: "${D!.id}") { name version } }`;
    expect((await pair.query(read)).body).toEqual({ data: { customer: { name: D!.name, version: '"1"' } } });
    // Another app changes the record in the CRM; this pair's CRM sends no webhook, so the cache is stale.
    const direct = await http('PATCH', `${pair.crm.url}/customers/${D!.id}`, {
      headers: { 'x-api-key': CRM_PAIR_API_KEY, 'if-match': '"1"' },
      body: { name: 'Changed elsewhere' },
    });
    expect(direct.status).toBe(200);
    expect((await pair.query(read)).body).toEqual({ data: { customer: { name: D!.name, version: '"1"' } } });

    const update = 'mutation { updateCustomer(id: "cus_0004", expectedVersion: "\\"1\\"", input: { phone: "+1 555 0100" }) { version } }';
    expect((await pair.query(update)).body.errors?.map((error) => error.extensions?.code)).toEqual(['CONFLICT']);
    await pair.resetCalls();
    expect((await pair.query(read)).body).toEqual({ data: { customer: { name: 'Changed elsewhere', version: '"2"' } } });
    expect((await pair.calls()).requests).toBe(1);
  });

  it('accepts CRM webhooks only with a valid signature over the exact body bytes, without an internal token', async () => {
    // Pretty-printed on purpose: the signature covers these bytes, not a re-serialized JSON value.
    const body = JSON.stringify({ event: 'customer.updated', customerId: C!.id, version: '"2"', changedFields: ['name'], occurredAt: new Date().toISOString() }, null, 2);
    const post = async (signature: string | undefined, text = body) => {
      const response = await request(`${pair.subgraph.url}/webhooks/crm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature ? { 'x-crm-signature': signature } : {}) },
        body: text,
      });
      return { status: response.statusCode, body: await response.body.json() };
    };
    const refused = { status: 401, body: { error: { code: 'invalid_signature', message: 'x-crm-signature does not match the body' } } };
    expect(await post(undefined)).toEqual(refused);
    expect(await post(signWebhook(body, 'another-secret'))).toEqual(refused);
    expect(await post(signWebhook(JSON.stringify(JSON.parse(body)), SECRET))).toEqual(refused);

    // C is cached; a signed event drops it, so the next read asks the CRM.
    await pair.query(`{ customer(id: "${C!.id}") { id } }`);
    await pair.resetCalls();
    expect(await post(signWebhook(body, SECRET))).toEqual({ status: 200, body: { invalidated: C!.id } });
    await pair.query(`{ customer(id: "${C!.id}") { id } }`);
    expect((await pair.calls()).requests).toBe(1);
    expect(await counters(pair)).toMatchObject({ crmWebhooksAccepted: 1, crmWebhooksRejected: 3, entityCacheInvalidations: 1 });
  });
});

describe('crm entity cache when the CRM is gone (stale-if-error)', () => {
  let pair: CrmPair;
  beforeAll(async () => {
    // TTL 1 s and no SWR window: after a second every entry needs the CRM.
    pair = await startCrmPair({}, { ...CACHE_ON, ENTITY_CACHE_TTL_SECONDS: '1', ENTITY_CACHE_SWR_SECONDS: '0' });
  });
  afterAll(() => pair?.stop());

  it('serves the last good record past its TTL and marks it with its age', async () => {
    const read = `query ($email: String!) { customer(id: "${A!.id}") { id name } customerByEmail(email: $email) { id } other: customer(id: "${B!.id}") { id } }`;
    await pair.query(`query ($email: String!) { customer(id: "${A!.id}") { id } customerByEmail(email: $email) { id } }`, { email: C!.email });
    await pair.crm.stop();
    const warmedAt = Date.now();
    // A fixed wait on purpose: the 1 s TTL passing is the subject, and nothing observable changes when it does.
    while (Date.now() - warmedAt < 1_500) await sleep(250);

    const response = await pair.query(read, { email: C!.email });
    expect(response.body.data).toEqual({ customer: { id: A!.id, name: A!.name }, customerByEmail: { id: C!.id }, other: null });
    // B was never cached: its field fails as before, naming the CRM.
    expect(response.body.errors?.map((error) => [error.path, error.extensions?.code, error.extensions?.system])).toEqual([[['other'], 'UPSTREAM_ERROR', 'crm']]);
    const marker = (type: string, key: string) => ({
      system: 'crm',
      subgraph: 'crm',
      type,
      key,
      fetchedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      ageSeconds: expect.any(Number),
    });
    const items = response.body.extensions?.staleIfError as Array<{ key: string; ageSeconds: number; fetchedAt: string }>;
    expect(items).toEqual(expect.arrayContaining([marker('Customer', A!.id), marker('CustomerByEmail', C!.email), marker('Customer', C!.id)]));
    expect(items).toHaveLength(3);
    for (const item of items) {
      expect(item.ageSeconds).toBeGreaterThanOrEqual(1);
      expect(Date.parse(item.fetchedAt)).toBeLessThanOrEqual(warmedAt);
    }
    expect(await counters(pair)).toMatchObject({ entityCacheStaleIfErrorServes: 3 });
  });
});
