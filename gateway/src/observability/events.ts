import { EventEmitter } from 'node:events';

/**
 * What the gateway's parts report for observability, decoupled from how it is exported: the data
 * source and its resilience policies emit, metrics (and later tracing) subscribe. Emitting with
 * no subscriber costs one function call, so tests that build parts alone need no metrics.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';
export type FetchOutcome = 'ok' | 'graphql_error' | 'timeout' | 'unavailable' | 'circuit_open' | 'bulkhead_full';

export interface GatewayEvents {
  /** One attempt's end (a retried fetch emits one per attempt). */
  subgraphFetch: { subgraph: string; system: string; durationMs: number; outcome: FetchOutcome; operationType: string };
  /** A query fetch is about to be tried again. */
  subgraphRetry: { subgraph: string; attempt: number };
  /** A subgraph's circuit breaker changed state. */
  breakerState: { subgraph: string; state: BreakerState };
}

class TypedEmitter {
  private readonly emitter = new EventEmitter();
  emit<K extends keyof GatewayEvents>(name: K, event: GatewayEvents[K]): void {
    this.emitter.emit(name, event);
  }
  on<K extends keyof GatewayEvents>(name: K, listener: (event: GatewayEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}

/** One bus per process; gateways in one test process share it, so listeners filter what they need. */
export const gatewayEvents = new TypedEmitter();
