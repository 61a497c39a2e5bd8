import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER_OVERVIEW, expectedOverview } from './helpers/expected.js';
import { graphql, http } from './helpers/graphql.js';
import { readinessWhen } from './helpers/readiness.js';
import { borrowStack, type SharedStack } from './helpers/shared-stack.js';
import { SUBGRAPH_NAMES } from './helpers/stack.js';
import { devToken, HARNESS_PRINCIPAL, internalToken } from './helpers/tokens.js';

/**
 * Subgraph trust on the real stack: each subgraph answers `/graphql` only with the
 * gateway's internal token for its own name; the gateway (and its readiness probe) gets through.
 */
let stack: SharedStack;
beforeAll(async () => {
  stack = await borrowStack({ token: { preset: 'admin' } });
});
afterAll(() => stack?.stop());

const unauthenticated = (reason: string) => ({ errors: [{ message: `Unauthenticated: ${reason}`, extensions: { code: 'UNAUTHENTICATED' } }] });
const direct = (name: (typeof SUBGRAPH_NAMES)[number], headers: Record<string, string> = {}) =>
  graphql(`${stack.subgraphs[name].url}/graphql`, '{ __typename }', undefined, headers);

describe.each(SUBGRAPH_NAMES.map((name) => [name]))('the %s subgraph', (name) => {
  it('refuses a call without a token (401)', async () => {
    const response = await direct(name);
    expect(response.status).toBe(401);
    expect(response.body).toEqual(unauthenticated('missing internal token'));
  });

  it("refuses the user's own dev-issuer JWT (401)", async () => {
    const response = await direct(name, { authorization: `Bearer ${await devToken(stack.dataDir, { preset: 'admin' })}` });
    expect(response.status).toBe(401);
    expect(response.body).toEqual(unauthenticated('internal token not signed by the gateway'));
  });

  it('refuses a valid internal token for another subgraph (401)', async () => {
    const other = SUBGRAPH_NAMES.find((candidate) => candidate !== name)!;
    const response = await direct(name, { authorization: `Bearer ${await internalToken(stack.dataDir, other, HARNESS_PRINCIPAL)}` });
    expect(response.status).toBe(401);
    expect(response.body).toEqual(unauthenticated('internal token has a wrong or missing "aud" claim'));
  });

  it('answers with its own internal token (200)', async () => {
    const response = await direct(name, { authorization: `Bearer ${await internalToken(stack.dataDir, name, HARNESS_PRINCIPAL)}` });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('keeps /healthz and /readyz open', async () => {
    expect(await http('GET', `${stack.subgraphs[name].url}/healthz`)).toMatchObject({ status: 200, body: { status: 'ok', subgraph: name } });
    expect(await http('GET', `${stack.subgraphs[name].url}/readyz`)).toMatchObject({ status: 200, body: { status: 'ready', subgraph: name } });
  });
});

describe('the gateway in front of them', () => {
  it('reaches every subgraph with its internal tokens: the readiness probe sees all four up', async () => {
    const readiness = await readinessWhen(stack.gateway!.url, (body) => body.subgraphs.every((subgraph) => subgraph.state === 'up'));
    expect(readiness.subgraphs.map(({ name, state }) => ({ name, state }))).toEqual([...SUBGRAPH_NAMES].sort().map((name) => ({ name, state: 'up' })));
  });

  it('answers a query spanning crm, erp, billing and support for a user token', async () => {
    const response = await stack.query(CUSTOMER_OVERVIEW, { id: 'cus_0001' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: expectedOverview('cus_0001') });
  });
});
