import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './helpers/stack.js';

/**
 * Stale-if-error end to end: the CRM subgraph serves a cached customer when the CRM is down, and
 * the client's answer says so (`extensions.staleIfError`, collected by the gateway from the
 * subgraph's response), with the entity's age, instead of passing it off as current.
 */
const QUERY = /* GraphQL */ `
  query Customer($id: ID!) {
    customer(id: $id) {
      id
      name
    }
  }
`;
const TTL_SECONDS = 1;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    token: { preset: 'admin' },
    env: { ENTITY_CACHE: 'on', ENTITY_CACHE_TTL_SECONDS: String(TTL_SECONDS), ENTITY_CACHE_SWR_SECONDS: '0' },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a cached customer while the CRM is down', () => {
  it('is served with a staleIfError marker naming the system, the entity and its age', async () => {
    const fresh = await stack.query(QUERY, { id: 'cus_0001' });
    expect(fresh.body.errors).toBeUndefined();
    expect(fresh.body.extensions?.staleIfError).toBeUndefined();
    const name = (fresh.body.data as { customer: { name: string } }).customer.name;

    await stack.systems.crm.stop();
    // Past the TTL the entry may only be served because the CRM fails. A fixed wait on purpose:
    // the TTL passing is the subject, and nothing observable changes when it does.
    await sleep(TTL_SECONDS * 1000 + 200);

    const stale = await stack.query(QUERY, { id: 'cus_0001' });
    expect(stale.status).toBe(200);
    expect(stale.body.errors).toBeUndefined();
    expect(stale.body.data).toEqual({ customer: { id: 'cus_0001', name } });
    const marker = stale.body.extensions?.staleIfError as Array<Record<string, unknown>>;
    expect(marker).toEqual([{ system: 'crm', subgraph: 'crm', type: 'Customer', key: 'cus_0001', fetchedAt: expect.any(String), ageSeconds: expect.any(Number) }]);
    expect(marker[0]!.ageSeconds).toBeGreaterThanOrEqual(TTL_SECONDS);
    expect(Date.parse(marker[0]!.fetchedAt as string)).toBeLessThan(Date.now() - TTL_SECONDS * 1000);
  });

  it('answers a customer that was never cached with an error, and no marker', async () => {
    const missing = await stack.query(QUERY, { id: 'cus_0002' });
    expect(missing.body.data).toEqual({ customer: null });
    expect(missing.body.errors?.[0]?.extensions).toMatchObject({ subgraph: 'crm', system: 'crm' });
    expect(missing.body.extensions?.staleIfError).toBeUndefined();
  });
});
