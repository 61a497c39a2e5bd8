import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS } from '../../../common/metrics.js';
import { gatewayEvents, type BreakerState } from '../observability/events.js';

/** `bizgraph_gateway_subgraph_breaker_state`: one gauge per subgraph, 0 closed, 0.5 half-open, 1 open. */
export const BREAKER_STATE_VALUES: Record<BreakerState, number> = { closed: 0, 'half-open': 0.5, open: 1 };

/**
 * Per-subgraph fetch metrics from the data source's events (`observability/events.ts`): latency
 * and outcome of every attempt, retries, breaker state. The event bus is process-wide, so only
 * this gateway's subgraphs are counted. Returns the unsubscribe function, called on close.
 */
export function subscribeSubgraphMetrics(registry: Registry, subgraphs: readonly string[]): () => void {
  const registers = [registry];
  const mine = new Set(subgraphs);
  const duration = new Histogram({
    name: 'bizgraph_gateway_subgraph_fetch_duration_seconds',
    help: 'Duration of each fetch attempt from the gateway to a subgraph, by subgraph and owning system.',
    labelNames: ['subgraph', 'system'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const fetches = new Counter({
    name: 'bizgraph_gateway_subgraph_fetches_total',
    help: 'Fetch attempts to a subgraph by outcome (ok, graphql_error, timeout, unavailable, circuit_open, bulkhead_full) and operation type.',
    labelNames: ['subgraph', 'system', 'operation_type', 'outcome'],
    registers,
  });
  const retries = new Counter({ name: 'bizgraph_gateway_subgraph_retries_total', help: 'Query fetches tried again, by subgraph.', labelNames: ['subgraph'], registers });
  const breaker = new Gauge({
    name: 'bizgraph_gateway_subgraph_breaker_state',
    help: "State of the subgraph's circuit breaker: 0 closed, 0.5 half-open, 1 open.",
    labelNames: ['subgraph'],
    registers,
  });
  // Present from the start, so dashboards and rate() see every subgraph before its first event.
  for (const subgraph of mine) {
    retries.inc({ subgraph }, 0);
    breaker.set({ subgraph }, BREAKER_STATE_VALUES.closed);
  }

  const unsubscribe = [
    gatewayEvents.on('subgraphFetch', ({ subgraph, system, durationMs, outcome, operationType }) => {
      if (!mine.has(subgraph)) return;
      duration.observe({ subgraph, system }, durationMs / 1000);
      fetches.inc({ subgraph, system, operation_type: operationType, outcome });
    }),
    gatewayEvents.on('subgraphRetry', ({ subgraph }) => {
      if (mine.has(subgraph)) retries.inc({ subgraph });
    }),
    gatewayEvents.on('breakerState', ({ subgraph, state }) => {
      if (mine.has(subgraph)) breaker.set({ subgraph }, BREAKER_STATE_VALUES[state]);
    }),
  ];
  return () => unsubscribe.forEach((off) => off());
}
