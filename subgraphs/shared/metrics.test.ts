import { ApolloServer } from '@apollo/server';
import Fastify from 'fastify';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { parseExposition } from '../../test/helpers/metrics.js';
import type { BaseContext } from './context.js';
import { createSubgraphMetrics, describeCounter } from './metrics.js';

describe('describeCounter', () => {
  it('maps the debug counters of every subgraph to upstream calls, cache results and other events', () => {
    expect(describeCounter('crm', 'crmCalls')).toEqual({ family: 'upstream', system: 'crm', kind: 'http' });
    expect(describeCounter('support', 'supportCalls')).toEqual({ family: 'upstream', system: 'support', kind: 'http' });
    expect(describeCounter('billing', 'sqlStatements')).toEqual({ family: 'upstream', system: 'billing', kind: 'sql' });
    expect(describeCounter('crm', 'entityCacheStoreTimeouts')).toEqual({ family: 'cache', result: 'store_timeouts' });
    expect(describeCounter('crm', 'crmWebhooksRejected')).toEqual({ family: 'other', event: 'crm_webhooks_rejected' });
  });
});

describe('a subgraph /metrics', () => {
  it('reads the debug counters at each scrape, labels every series with the subgraph and answers GET only', async () => {
    const counters = { crmCalls: 3, entityCacheHits: 5, entityCacheStaleServes: 1, crmWebhooksAccepted: 2 };
    const metrics = createSubgraphMetrics({ name: 'crm', debugCounters: () => ({ ...counters }) });
    const app = Fastify();
    metrics.registerRoutes(app);
    const scrape = async () => parseExposition((await app.inject({ method: 'GET', url: '/metrics' })).body);

    let exposition = await scrape();
    expect(exposition.sum('bizgraph_subgraph_upstream_calls_total', { subgraph: 'crm', system: 'crm', kind: 'http' })).toBe(3);
    expect(exposition.sum('bizgraph_subgraph_entity_cache_total', { subgraph: 'crm', result: 'hits' })).toBe(5);
    expect(exposition.sum('bizgraph_subgraph_entity_cache_total', { subgraph: 'crm', result: 'stale_serves' })).toBe(1);
    expect(exposition.sum('bizgraph_subgraph_events_total', { subgraph: 'crm', event: 'crm_webhooks_accepted' })).toBe(2);
    counters.crmCalls = 7;
    exposition = await scrape();
    expect(exposition.sum('bizgraph_subgraph_upstream_calls_total', { system: 'crm' })).toBe(7);
    expect(exposition.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect((await app.inject({ method: 'POST', url: '/metrics' })).statusCode).toBe(404);
    await app.close();
  });

  it('counts operations by name and outcome and errors by code', async () => {
    const metrics = createSubgraphMetrics<BaseContext>({ name: 'erp' });
    const apollo = new ApolloServer<BaseContext>({
      typeDefs: /* GraphQL */ `
        type Query {
          ok: Int
          bad: Int
        }
      `,
      resolvers: {
        Query: {
          ok: () => 1,
          bad: () => {
            throw new GraphQLError('no', { extensions: { code: 'BAD_USER_INPUT' } });
          },
        },
      },
      plugins: [metrics.plugin],
    });
    await apollo.start();
    const context = { contextValue: { requestId: 'r', principal: null } };
    await apollo.executeOperation({ query: 'query Good__erp__0 { ok }' }, context);
    await apollo.executeOperation({ query: 'query Good__erp__0 { ok }' }, context);
    await apollo.executeOperation({ query: 'query Mixed { ok bad }' }, context);
    await apollo.executeOperation({ query: 'query Invalid { nope }' }, context);
    await apollo.stop();
    const app = Fastify();
    metrics.registerRoutes(app);
    const exposition = parseExposition((await app.inject({ method: 'GET', url: '/metrics' })).body);
    expect(exposition.sum('bizgraph_subgraph_requests_total', { subgraph: 'erp', operation: 'Good__erp__0', outcome: 'ok' })).toBe(2);
    expect(exposition.sum('bizgraph_subgraph_requests_total', { operation: 'Mixed', outcome: 'partial' })).toBe(1);
    // An operation that did not validate gets no series of its own.
    expect(exposition.sum('bizgraph_subgraph_requests_total', { operation: 'other', outcome: 'error' })).toBe(1);
    expect(exposition.sum('bizgraph_subgraph_request_duration_seconds_count', { operation: 'Good__erp__0' })).toBe(2);
    expect(exposition.sum('bizgraph_subgraph_errors_total', { code: 'BAD_USER_INPUT' })).toBe(1);
    expect(exposition.sum('bizgraph_subgraph_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    await app.close();
  });
});
