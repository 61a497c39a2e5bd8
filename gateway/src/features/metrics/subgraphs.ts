import { Counter, Gauge, type Registry } from 'prom-client';
import { CounterTally, HistogramTally } from '../../../../common/metric-tally.js';
import { LATENCY_BUCKETS } from '../../../../common/metrics.js';
import { gatewayEvents, type BreakerState } from '../../observability/events.js';

/** `bizgraph_gateway_subgraph_breaker_state`: one gauge per subgraph, 0 closed, 0.5 half-open, 1 open. */
export const BREAKER_STATE_VALUES: Record<BreakerState, number> = { closed: 0, 'half-open': 0.5, open: 1 };

/**
 * Per-subgraph fetch metrics from the data source's events (`observability/events.ts`): latency
 * and outcome of every attempt, retries, breaker state. The event bus is process-wide, so only
 * this gateway's subgraphs are counted: `subgraphs` is a list, or a function read on every event
 * and scrape when the supergraph can be reloaded: an added subgraph gets its series, a removed
 * one loses its breaker gauge and its late events are ignored.
 * Returns the unsubscribe function, called on close.
 */
export function subscribeSubgraphMetrics(registry: Registry, subgraphs: readonly string[] | (() => readonly string[])): () => void {
  const registers = [registry];
  const current = typeof subgraphs === 'function' ? subgraphs : () => subgraphs;
  const duration = new HistogramTally({
    name: 'bizgraph_gateway_subgraph_fetch_duration_seconds',
    help: 'Duration of each fetch attempt from the gateway to a subgraph, by subgraph and owning system.',
    labelNames: ['subgraph', 'system'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const fetches = new CounterTally({
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
    collect: () => void sync(),
  });
  let listed: readonly string[] | undefined;
  let names = new Set<string>();
  /** Follows the subgraph list; does work only when the list object changed (once per reload). */
  const sync = (): Set<string> => {
    const now = current();
    if (now === listed) return names;
    const next = new Set(now);
    for (const subgraph of names) if (!next.has(subgraph)) breaker.remove({ subgraph });
    // Present from the start, so dashboards and rate() see every subgraph before its first event.
    for (const subgraph of next) {
      if (names.has(subgraph)) continue;
      retries.inc({ subgraph }, 0);
      breaker.set({ subgraph }, BREAKER_STATE_VALUES.closed);
    }
    listed = now;
    names = next;
    return names;
  };
  const mine = { has: (subgraph: string) => sync().has(subgraph) };
  sync();

  const unsubscribe = [
    gatewayEvents.on('subgraphFetch', ({ subgraph, system, durationMs, outcome, operationType }) => {
      if (!mine.has(subgraph)) return;
      duration.observe([subgraph, system], durationMs / 1000);
      fetches.add([subgraph, system, operationType, outcome]);
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
