import { afterEach, describe, expect, it } from 'vitest';
import { gatewayEvents } from '../observability/events.js';
import { createFetchStats, type FetchStats } from './fetch-stats.js';

let stats: FetchStats | undefined;
afterEach(() => stats?.close());

const fetch = (subgraph: string, durationMs: number, outcome: 'ok' | 'timeout' | 'graphql_error' = 'ok') =>
  gatewayEvents.emit('subgraphFetch', { subgraph, system: subgraph, durationMs, outcome, operationType: 'query' });

describe('recent fetch statistics', () => {
  it('give each subgraph its error rate, p50 and p99 over the window, forgetting older attempts', () => {
    let clock = 1_000_000;
    stats = createFetchStats({ windowMs: 60_000, now: () => clock });
    for (let i = 1; i <= 100; i++) fetch('crm', i, i % 10 === 0 ? 'timeout' : 'ok');
    fetch('erp', 5, 'graphql_error');
    expect(stats.recent('crm')).toEqual({ attempts: 100, errorRate: 0.1, p50Ms: 50, p99Ms: 99, windowSeconds: 60 });
    expect(stats.recent('erp')).toMatchObject({ attempts: 1, errorRate: 1 });
    expect(stats.recent('billing')).toEqual({ attempts: 0, errorRate: null, p50Ms: null, p99Ms: null, windowSeconds: 60 });
    clock += 61_000;
    fetch('crm', 7);
    expect(stats.recent('crm')).toMatchObject({ attempts: 1, errorRate: 0, p50Ms: 7, p99Ms: 7 });
  });

  it('keeps at most `capacity` attempts per subgraph, the newest', () => {
    stats = createFetchStats({ capacity: 10, now: () => 5 });
    for (let i = 1; i <= 25; i++) fetch('crm', i);
    expect(stats.recent('crm')).toMatchObject({ attempts: 10, p50Ms: 20, p99Ms: 25 });
  });
});
