import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { parseExposition } from '../../../../test/helpers/metrics.js';
import { gatewayEvents } from '../../observability/events.js';
import { subscribeSubgraphMetrics } from './subgraphs.js';

const scrape = async (registry: Registry) => parseExposition(await registry.metrics());
let unsubscribe: (() => void) | undefined;
afterEach(() => unsubscribe?.());

describe('per-subgraph metrics from the gateway event bus', () => {
  it('records fetch attempts, retries and breaker states of its own subgraphs only', async () => {
    const registry = new Registry();
    unsubscribe = subscribeSubgraphMetrics(registry, ['crm', 'erp']);
    gatewayEvents.emit('subgraphFetch', { subgraph: 'crm', system: 'crm', durationMs: 20, outcome: 'ok', operationType: 'query' });
    gatewayEvents.emit('subgraphFetch', { subgraph: 'crm', system: 'crm', durationMs: 3000, outcome: 'timeout', operationType: 'query' });
    gatewayEvents.emit('subgraphRetry', { subgraph: 'crm', attempt: 2 });
    gatewayEvents.emit('breakerState', { subgraph: 'erp', state: 'open' });
    gatewayEvents.emit('breakerState', { subgraph: 'crm', state: 'half-open' });
    // Another gateway's subgraph in the same process.
    gatewayEvents.emit('subgraphFetch', { subgraph: 'reviews', system: 'feedback', durationMs: 5, outcome: 'ok', operationType: 'query' });

    const metrics = await scrape(registry);
    expect(metrics.sum('bizgraph_gateway_subgraph_fetches_total', { subgraph: 'crm', outcome: 'ok' })).toBe(1);
    expect(metrics.sum('bizgraph_gateway_subgraph_fetches_total', { subgraph: 'crm', outcome: 'timeout' })).toBe(1);
    expect(metrics.sum('bizgraph_gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'crm' })).toBe(2);
    expect(metrics.sum('bizgraph_gateway_subgraph_fetch_duration_seconds_sum', { subgraph: 'crm' })).toBeCloseTo(3.02);
    expect(metrics.sum('bizgraph_gateway_subgraph_retries_total', { subgraph: 'crm' })).toBe(1);
    expect(metrics.sum('bizgraph_gateway_subgraph_retries_total', { subgraph: 'erp' })).toBe(0);
    expect(metrics.sum('bizgraph_gateway_subgraph_breaker_state', { subgraph: 'erp' })).toBe(1);
    expect(metrics.sum('bizgraph_gateway_subgraph_breaker_state', { subgraph: 'crm' })).toBe(0.5);
    expect(metrics.samples.some((sample) => sample.labels.subgraph === 'reviews')).toBe(false);

    gatewayEvents.emit('breakerState', { subgraph: 'erp', state: 'closed' });
    expect((await scrape(registry)).sum('bizgraph_gateway_subgraph_breaker_state', { subgraph: 'erp' })).toBe(0);
  });

  it('stops counting once unsubscribed (the gateway closed)', async () => {
    const registry = new Registry();
    subscribeSubgraphMetrics(registry, ['crm'])();
    gatewayEvents.emit('subgraphRetry', { subgraph: 'crm', attempt: 2 });
    expect((await scrape(registry)).sum('bizgraph_gateway_subgraph_retries_total', { subgraph: 'crm' })).toBe(0);
  });
});

describe('per-subgraph metrics across supergraph reloads', () => {
  it('adds the series of a new subgraph and drops the breaker gauge of a removed one', async () => {
    const registry = new Registry();
    let subgraphs: readonly string[] = ['crm', 'erp'];
    unsubscribe = subscribeSubgraphMetrics(registry, () => subgraphs);
    gatewayEvents.emit('breakerState', { subgraph: 'erp', state: 'open' });
    subgraphs = ['crm', 'logistics'];

    const metrics = await scrape(registry);
    const breakers = metrics.samples.filter((sample) => sample.name === 'bizgraph_gateway_subgraph_breaker_state');
    expect(breakers.map((sample) => [sample.labels.subgraph, sample.value])).toEqual([
      ['crm', 0],
      ['logistics', 0],
    ]);
    expect(metrics.sum('bizgraph_gateway_subgraph_retries_total', { subgraph: 'logistics' })).toBe(0);
    gatewayEvents.emit('subgraphRetry', { subgraph: 'erp', attempt: 2 });
    gatewayEvents.emit('subgraphRetry', { subgraph: 'logistics', attempt: 2 });
    const after = await scrape(registry);
    expect(after.sum('bizgraph_gateway_subgraph_retries_total', { subgraph: 'erp' })).toBe(0);
    expect(after.sum('bizgraph_gateway_subgraph_retries_total', { subgraph: 'logistics' })).toBe(1);
  });
});
