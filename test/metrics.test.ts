import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from './helpers/graphql.js';
import { scrape, type Exposition } from './helpers/metrics.js';
import { startStack, SUBGRAPH_NAMES, type Stack } from './helpers/stack.js';
import { bearer } from './helpers/tokens.js';

/**
 * `/metrics` on real processes: the whole stack (entity caches on, so the crm subgraph's cache
 * counters move too), requests through the gateway, and scrapes before and after that show the
 * counters moving by the expected amounts. Every assertion compares two scrapes, never a time.
 */
const CUSTOMER = /* GraphQL */ `
  query MetricsCustomer($id: ID!) {
    customer(id: $id) {
      id
      name
    }
  }
`;
const CLIENT = { 'apollographql-client-name': 'metrics-test' };

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ token: { preset: 'admin' }, env: { ENTITY_CACHE: 'on' } });
}, 60_000);
afterAll(() => stack?.stop());

const gatewayBase = () => stack.gateway!.url;
const delta = (before: Exposition, after: Exposition, name: string, labels?: Record<string, string>) => after.sum(name, labels) - before.sum(name, labels);

describe('gateway /metrics', () => {
  it('exposes every family, the process metrics and a closed breaker for each subgraph', async () => {
    const metrics = await scrape(gatewayBase());
    expect(Object.fromEntries([...metrics.types].filter(([name]) => name.startsWith('bizgraph_')))).toEqual({
      bizgraph_gateway_requests_total: 'counter',
      bizgraph_gateway_request_duration_seconds: 'histogram',
      bizgraph_gateway_errors_total: 'counter',
      bizgraph_gateway_authz_denials_total: 'counter',
      bizgraph_gateway_response_cache_total: 'counter',
      bizgraph_gateway_response_cache_store_errors_total: 'counter',
      bizgraph_gateway_subgraph_fetch_duration_seconds: 'histogram',
      bizgraph_gateway_subgraph_fetches_total: 'counter',
      bizgraph_gateway_subgraph_retries_total: 'counter',
      bizgraph_gateway_subgraph_breaker_state: 'gauge',
      bizgraph_gateway_admission_limit: 'gauge',
      bizgraph_gateway_admission_active: 'gauge',
      bizgraph_gateway_admission_waiting: 'gauge',
      bizgraph_gateway_admission_run_time_inflation: 'gauge',
      bizgraph_gateway_admission_waited_total: 'counter',
      bizgraph_gateway_admission_wait_seconds_total: 'counter',
      bizgraph_gateway_admission_expired_total: 'counter',
      bizgraph_supergraph_info: 'gauge',
      bizgraph_supergraph_reloads_total: 'counter',
    });
    expect(metrics.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect(metrics.types.get('process_cpu_seconds_total')).toBe('counter');
    // Nobody has waited; the limit is at least its floor (its start-up may have saturated the loop for
    // a moment, and the limit is lifted after 800 ms of a loop that is not), +Inf once lifted.
    expect(['waiting', 'waited_total', 'expired_total'].map((name) => metrics.sum(`bizgraph_gateway_admission_${name}`))).toEqual([0, 0, 0]);
    expect(metrics.sum('bizgraph_gateway_admission_limit')).toBeGreaterThanOrEqual(8);
    const breakers = metrics.samples.filter((sample) => sample.name === 'bizgraph_gateway_subgraph_breaker_state');
    expect(breakers.map((sample) => [sample.labels.subgraph, sample.value]).sort()).toEqual(SUBGRAPH_NAMES.map((name) => [name, 0]).sort());
  });

  it('counts two runs of one operation for its client, and the crm subgraph calls the CRM and then hits its cache', async () => {
    const [gatewayBefore, crmBefore] = await Promise.all([scrape(gatewayBase()), scrape(stack.subgraphs.crm.url)]);
    for (let run = 0; run < 2; run++) {
      const response = await stack.query(CUSTOMER, { id: 'cus_0001' }, CLIENT);
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data?.customer?.id).toBe('cus_0001');
    }
    const [gatewayAfter, crmAfter] = await Promise.all([scrape(gatewayBase()), scrape(stack.subgraphs.crm.url)]);

    const series = { operation: 'MetricsCustomer', client: 'metrics-test', type: 'query', outcome: 'ok' };
    expect(delta(gatewayBefore, gatewayAfter, 'bizgraph_gateway_requests_total', series)).toBe(2);
    expect(delta(gatewayBefore, gatewayAfter, 'bizgraph_gateway_request_duration_seconds_count', { operation: 'MetricsCustomer', type: 'query' })).toBe(2);
    // The first run misses the entity cache and calls the CRM once; the second is a cache hit.
    expect(delta(crmBefore, crmAfter, 'bizgraph_subgraph_upstream_calls_total', { subgraph: 'crm', system: 'crm', kind: 'http' })).toBe(1);
    expect(delta(crmBefore, crmAfter, 'bizgraph_subgraph_entity_cache_total', { result: 'misses' })).toBe(1);
    expect(delta(crmBefore, crmAfter, 'bizgraph_subgraph_entity_cache_total', { result: 'hits' })).toBe(1);
    expect(delta(crmBefore, crmAfter, 'bizgraph_subgraph_requests_total', { outcome: 'ok' })).toBe(2);

    // From the data source's `subgraphFetch` events (gateway/src/datasource/resilience.ts): one crm fetch a run.
    expect(delta(gatewayBefore, gatewayAfter, 'bizgraph_gateway_subgraph_fetches_total', { subgraph: 'crm', system: 'crm', operation_type: 'query', outcome: 'ok' })).toBe(2);
    expect(delta(gatewayBefore, gatewayAfter, 'bizgraph_gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'crm' })).toBe(2);
  });

  it('counts a field denied to the caller by its coordinate, and the error sent', async () => {
    const before = await scrape(gatewayBase());
    const sales = await bearer(stack.dataDir, { preset: 'sales' });
    const response = await stack.query('query MetricsEmail { customer(id: "cus_0001") { id email } }', {}, { ...CLIENT, ...sales });
    expect(response.body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
    const after = await scrape(gatewayBase());

    expect(delta(before, after, 'bizgraph_gateway_authz_denials_total', { coordinate: 'Customer.email' })).toBe(1);
    expect(delta(before, after, 'bizgraph_gateway_authz_denials_total')).toBe(1);
    expect(delta(before, after, 'bizgraph_gateway_errors_total', { code: 'UNAUTHORIZED_FIELD_OR_TYPE' })).toBe(1);
    expect(delta(before, after, 'bizgraph_gateway_requests_total', { operation: 'MetricsEmail', client: 'metrics-test', outcome: 'partial' })).toBe(1);
  });

  it('counts a validation failure by its code, as rejected, without giving the unknown operation name a series', async () => {
    const before = await scrape(gatewayBase());
    const response = await stack.query('query MetricsBad { customer(id: "cus_0001") { nope } }', {}, CLIENT);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const after = await scrape(gatewayBase());

    expect(delta(before, after, 'bizgraph_gateway_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(delta(before, after, 'bizgraph_gateway_requests_total', { operation: 'other', outcome: 'rejected' })).toBe(1);
    expect(delta(before, after, 'bizgraph_gateway_requests_total', { outcome: 'error' })).toBe(0);
    expect(after.samples.some((sample) => sample.labels.operation === 'MetricsBad')).toBe(false);
  });

  it('counts a refused token as unauthenticated', async () => {
    const before = await scrape(gatewayBase());
    const response = await stack.query(CUSTOMER, { id: 'cus_0001' }, { ...CLIENT, authorization: 'Bearer not-a-token' });
    expect(response.status).toBe(401);
    const after = await scrape(gatewayBase());

    expect(delta(before, after, 'bizgraph_gateway_requests_total', { outcome: 'unauthenticated' })).toBe(1);
    expect(delta(before, after, 'bizgraph_gateway_errors_total', { code: 'UNAUTHENTICATED' })).toBe(1);
  });

  it('counts requests refused before any operation ran: CSRF prevention, no query, a body that is not JSON, an empty batch, a batch with a malformed entry', async () => {
    const before = await scrape(gatewayBase());
    const graphql = `${gatewayBase()}/graphql`;
    const headers = { ...CLIENT, ...(await bearer(stack.dataDir, { preset: 'admin' })) };
    // A simple GET (no preflight header, no JSON content type) is what a cross-site form can send.
    const csrf = await http('GET', `${graphql}?query=${encodeURIComponent('{ __typename }')}`, { headers });
    const noQuery = await http('POST', graphql, { headers, body: { variables: {} } });
    // Refused by fastify's body parser, before the /graphql handler runs.
    const notJson = await fetch(graphql, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{"query": ' });
    const emptyBatch = await http('POST', graphql, { headers, body: [] });
    // Every entry is read before any runs: the well-formed entries after a malformed one never run.
    const malformedFirst = await http('POST', graphql, {
      headers,
      body: [{ query: 5 }, { query: 'query MetricsAfterMalformed { __typename }' }, { query: 'mutation { __typename }' }],
    });
    expect([csrf.status, noQuery.status, notJson.status, emptyBatch.status, malformedFirst.status]).toEqual([400, 400, 400, 400, 400]);
    const after = await scrape(gatewayBase());

    // Five refusals and nothing else: the batch's two well-formed entries were never counted as run.
    expect(delta(before, after, 'bizgraph_gateway_requests_total')).toBe(5);
    expect(delta(before, after, 'bizgraph_gateway_requests_total', { type: 'mutation' })).toBe(0);
    expect(delta(before, after, 'bizgraph_gateway_errors_total', { code: 'BAD_REQUEST' })).toBe(5);
    // The caller's mistakes: counted, and kept out of the outcome the error-rate alert reads.
    expect(delta(before, after, 'bizgraph_gateway_requests_total', { outcome: 'rejected' })).toBe(5);
    expect(delta(before, after, 'bizgraph_gateway_requests_total', { outcome: 'error' })).toBe(0);
    expect(delta(before, after, 'bizgraph_gateway_request_duration_seconds_count')).toBe(5);
  });

  it('holds no token, subject or field value, and answers GET only', async () => {
    const token = (await bearer(stack.dataDir, { preset: 'admin' })).authorization!.slice('Bearer '.length);
    const answer = await stack.query('query MetricsContact { customer(id: "cus_0001") { name email } }', {}, CLIENT);
    const { name, email } = answer.body.data!.customer as { name: string; email: string };
    const text = (await http<string>('GET', `${gatewayBase()}/metrics`)).body;
    for (const secret of [token, name, email, 'dev-admin']) expect(text).not.toContain(secret);
    expect((await http('POST', `${gatewayBase()}/metrics`)).status).toBe(404);
  });
});

describe('subgraph /metrics', () => {
  it.each(SUBGRAPH_NAMES)('%s exposes its families, labelled with its name, and the process metrics', async (name) => {
    const metrics = await scrape(stack.subgraphs[name].url);
    for (const family of [
      'bizgraph_subgraph_requests_total',
      'bizgraph_subgraph_request_duration_seconds',
      'bizgraph_subgraph_errors_total',
      'bizgraph_subgraph_upstream_calls_total',
      'bizgraph_subgraph_entity_cache_total',
    ]) {
      expect(metrics.types.has(family), family).toBe(true);
    }
    expect(metrics.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    const own = metrics.samples.filter((sample) => sample.name.startsWith('bizgraph_subgraph_'));
    expect(new Set(own.map((sample) => sample.labels.subgraph))).toEqual(new Set(own.length ? [name] : []));
  });

  it('counts the SQL statements of the erp subgraph as calls to its database', async () => {
    const before = await scrape(stack.subgraphs.erp.url);
    const response = await stack.query('query MetricsProducts { products(first: 2) { nodes { sku } } }', {}, CLIENT);
    expect(response.body.errors).toBeUndefined();
    const after = await scrape(stack.subgraphs.erp.url);
    expect(delta(before, after, 'bizgraph_subgraph_upstream_calls_total', { system: 'erp', kind: 'sql' })).toBeGreaterThanOrEqual(1);
    expect(delta(before, after, 'bizgraph_subgraph_requests_total', { outcome: 'ok' })).toBe(1);
  });
});
