import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset } from './helpers/expected.js';
import { graphql, http, type GraphQLResponse } from './helpers/graphql.js';
import { readCounters, resetCounters, type UpstreamCounts } from './helpers/counters.js';
import { startStack, type Stack } from './helpers/stack.js';
import { devToken } from './helpers/tokens.js';

/**
 * The whole-response cache over the real stack (RESPONSE_CACHE=on, in-memory store). "Served from
 * the cache" is proven by counts where the work lands: zero requests at the CRM and support
 * stand-ins and zero SQL statements in erp and billing. Each test uses its own operation names,
 * so entries left by another test never answer it.
 */
const A = dataset.customers.find((customer) => customer.id === 'cus_0001')!;
const B = dataset.customers.find((customer) => customer.id === 'cus_0002')!;
const C = dataset.customers.find((customer) => customer.id === 'cus_0003')!;

type Who = 'admin' | 'sales' | 'portalA' | 'portalB' | 'anonymous';
let stack: Stack;
const tokens: Partial<Record<Who, string>> = {};

async function ask(who: Who, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  const authorization: Record<string, string> = who === 'anonymous' ? {} : { authorization: `Bearer ${tokens[who]}` };
  const response = await graphql(stack.gatewayUrl, query, variables, { ...authorization, ...headers });
  expect(response.status).toBe(200);
  return response;
}
const statusOf = (response: GraphQLResponse) => response.headers['bizgraph-response-cache'];
const NO_UPSTREAM: UpstreamCounts = { crmRequests: {}, supportRequests: {}, erpStatements: 0, billingStatements: 0 };
const cacheCounters = async () => (await http<{ counters: Record<string, number> }>('GET', `${stack.gateway!.url}/debug/response-cache`)).body.counters;
const unauthorized = (path: (string | number)[], coordinate: string) => ({
  message: `Not authorized to read ${coordinate}`,
  path,
  extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', coordinate },
});

beforeAll(async () => {
  stack = await startStack({ env: { RESPONSE_CACHE: 'on' } });
  tokens.admin = await devToken(stack.dataDir, { preset: 'admin', sub: 'ada@ops' });
  tokens.sales = await devToken(stack.dataDir, { preset: 'sales', sub: 'bob@sales' });
  tokens.portalA = await devToken(stack.dataDir, { preset: 'portal', customer: A.id });
  tokens.portalB = await devToken(stack.dataDir, { preset: 'portal', customer: B.id });
});
afterAll(async () => {
  await stack?.stop();
});

describe('the response cache', () => {
  it('answers the same query for the same caller from the cache, without calling any system', async () => {
    const query = `query SameTwice { customer(id: "${A.id}") { id name email orders(first: 2) { nodes { number } } } }`;
    const first = await ask('admin', query);
    expect(statusOf(first)).toBe('miss');
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data).toMatchObject({ customer: { id: A.id, name: A.name, email: A.email } });
    const before = await cacheCounters();
    await resetCounters(stack);

    const second = await ask('admin', query);
    expect(statusOf(second)).toBe('hit');
    expect(second.headers.age).toMatch(/^\d+$/);
    expect(second.body).toEqual(first.body);
    expect(await readCounters(stack)).toEqual(NO_UPSTREAM);
    expect(await cacheCounters()).toMatchObject({ hits: before.hits! + 1, misses: before.misses, stores: before.stores });
    // Clients are never told to cache: browsers and proxies cannot key by the caller's rights.
    expect([first.headers['cache-control'], second.headers['cache-control']]).toEqual(['no-store', 'no-store']);
  });

  it('never hands a caller without pii:read the answer cached for admin, and stores no answer with errors', async () => {
    const query = `query AdminThenSales { customer(id: "${A.id}") { id name email } }`;
    expect(statusOf(await ask('admin', query))).toBe('miss');
    expect(statusOf(await ask('admin', query))).toBe('hit');
    const stores = (await cacheCounters()).stores;
    for (let i = 0; i < 2; i++) {
      await resetCounters(stack);
      const sales = await ask('sales', query);
      expect(statusOf(sales)).toBe('miss');
      expect(sales.body).toEqual({ data: { customer: { id: A.id, name: A.name, email: null } }, errors: [unauthorized(['customer', 'email'], 'Customer.email')] });
      // It went to the CRM each time: the admin entry was not consulted, its own answer was not stored.
      expect(Object.values((await readCounters(stack)).crmRequests).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
    }
    expect((await cacheCounters()).stores).toBe(stores);
  });

  it('gives two portal customers of the same subject their own rows only', async () => {
    const list = 'query OwnRows { customers { nodes { id } } }';
    const one = `query OneCustomer { customer(id: "${A.id}") { id name } }`;
    for (let round = 0; round < 2; round++) {
      const [a, b] = [await ask('portalA', list), await ask('portalB', list)];
      expect([statusOf(a), statusOf(b)]).toEqual(round === 0 ? ['miss', 'miss'] : ['hit', 'hit']);
      expect(a.body).toEqual({ data: { customers: { nodes: [{ id: A.id }] } } });
      expect(b.body).toEqual({ data: { customers: { nodes: [{ id: B.id }] } } });
    }
    expect(await ask('portalA', one).then((r) => r.body)).toEqual({ data: { customer: { id: A.id, name: A.name } } });
    for (let i = 0; i < 2; i++) {
      const b = await ask('portalB', one);
      expect(statusOf(b)).toBe('miss');
      expect(b.body.data).toEqual({ customer: null });
      expect(b.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    }
  });

  it('keeps anonymous callers apart from authenticated ones', async () => {
    const query = `query AnonymousApart { customer(id: "${A.id}") { id name } }`;
    expect(statusOf(await ask('sales', query))).toBe('miss');
    expect(statusOf(await ask('sales', query))).toBe('hit');
    const anonymous = await ask('anonymous', query);
    expect(statusOf(anonymous)).toBe('miss');
    expect(anonymous.body).toEqual({ data: { customer: null }, errors: [unauthorized(['customer'], 'Query.customer')] });
  });

  it('keys by variables', async () => {
    const query = 'query ByVariables($id: ID!) { customer(id: $id) { id name } }';
    const a = await ask('sales', query, { id: A.id });
    const b = await ask('sales', query, { id: B.id });
    expect([statusOf(a), statusOf(b)]).toEqual(['miss', 'miss']);
    expect(b.body).toEqual({ data: { customer: { id: B.id, name: B.name } } });
    const again = await ask('sales', query, { id: A.id });
    expect(statusOf(again)).toBe('hit');
    expect(again.body).toEqual({ data: { customer: { id: A.id, name: A.name } } });
  });

  it('never caches a mutation or answers one from the cache', async () => {
    const mutation = /* GraphQL */ `
      mutation OpenOnce($input: OpenTicketInput!) {
        openTicket(input: $input) {
          subject
        }
      }
    `;
    const input = { idempotencyKey: 'response-cache-mutation-1', requesterEmail: A.email, subject: 'Cached?', description: 'no' };
    for (let i = 0; i < 2; i++) {
      await resetCounters(stack);
      const response = await ask('admin', mutation, { input });
      expect(statusOf(response)).toBe('bypass');
      expect(response.body).toEqual({ data: { openTicket: { subject: 'Cached?' } } });
      // The replay reached the support desk too (which answers it from its idempotency record).
      expect(Object.values((await readCounters(stack)).supportRequests).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0);
    }
  });

  it('keeps an answer only as long as the smallest hint of the subgraphs it called', async () => {
    // Hints straight from the subgraphs (defaults: crm 30 s, billing 5 s), private to the caller.
    const crmHint = await stack.subgraphQuery('crm', `{ customer(id: "${C.id}") { id } }`);
    const billingHint = await stack.subgraphQuery('billing', '{ invoices(first: 1) { nodes { number } } }');
    expect([crmHint.headers['cache-control'], billingHint.headers['cache-control']]).toEqual(['max-age=30, private', 'max-age=5, private']);

    const crmOnly = `query TtlCrm { customer(id: "${C.id}") { id name } }`;
    const withBilling = `query TtlBilling { customer(id: "${C.id}") { id invoices(first: 1) { nodes { number } } } }`;
    expect([statusOf(await ask('admin', crmOnly)), statusOf(await ask('admin', withBilling))]).toEqual(['miss', 'miss']);
    expect(statusOf(await ask('admin', withBilling))).toBe('hit');
    // Polled, never timed: the crm + billing answer expires by billing's 5 s…
    let expired = false;
    for (let attempt = 0; attempt < 80 && !expired; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      expired = statusOf(await ask('admin', withBilling)) === 'miss';
    }
    expect(expired).toBe(true);
    // …while the crm-only answer, stored before it, is still there (30 s).
    expect(statusOf(await ask('admin', crmOnly))).toBe('hit');
  });

  it('audits classified fields delivered from the cache like those delivered by the systems', async () => {
    const query = `query AuditedHit { customer(id: "${B.id}") { id email phone } }`;
    expect(statusOf(await ask('admin', query, undefined, { 'x-request-id': 'rc-audit-miss' }))).toBe('miss');
    expect(statusOf(await ask('admin', query, undefined, { 'x-request-id': 'rc-audit-hit' }))).toBe('hit');
    const file = join(stack.dataDir, 'audit.log');
    const lineOf = async (requestId: string) => {
      for (let attempt = 0; attempt < 250; attempt++) {
        const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
        const line = text.split('\n').find((entry) => entry.includes(`"requestId":"${requestId}"`));
        if (line) return JSON.parse(line) as Record<string, unknown>;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`no audit line for ${requestId}`);
    };
    const [miss, hit] = [await lineOf('rc-audit-miss'), await lineOf('rc-audit-hit')];
    const classified = [
      { coordinate: 'Customer.email', tags: ['pii'], count: 1 },
      { coordinate: 'Customer.phone', tags: ['pii'], count: 1 },
    ];
    expect(miss).toMatchObject({ subject: 'ada@ops', operationName: 'AuditedHit', outcome: 'ok', classified, denied: [] });
    const same = (line: Record<string, unknown>) => ({ ...line, time: undefined, durationMs: undefined, requestId: undefined });
    expect(same(hit)).toEqual(same(miss));
  });
});
