import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../../context.js';
import { Counter, Registry } from 'prom-client';
import type { AdmissionState } from '../../http/admission.js';
import { registerMetricsRoute } from '../../../../common/metrics.js';
import type { GatewayFeature } from '../../feature.js';
import type { ResponseCacheCounters } from '../response-cache/counters.js';
import { createRequestMetrics, type RequestMetrics } from './requests.js';
import { subscribeSubgraphMetrics } from './subgraphs.js';
import { registerAdmissionMetrics } from './admission.js';
import { registerSupergraphMetrics, type SupergraphMetricsSource } from './supergraph.js';

export interface GatewayMetrics extends GatewayFeature {
  plugins: ApolloServerPlugin<GatewayContext>[];
  /** Counts requests refused while their context was built (refused tokens). */
  refusedBeforeOperation: RequestMetrics['refusedBeforeOperation'];
  /** `GET /metrics` (also in production: operational, unauthenticated, no secrets or PII in labels). */
  register(app: FastifyInstance): void;
  /** Unsubscribes from the process-wide event bus. */
  close(): void;
}

export interface GatewayMetricsOptions {
  /** Subgraph names of the served supergraph, read live as it is reloaded (events of other gateways in the process are ignored). */
  subgraphs: readonly string[] | (() => readonly string[]);
  /** The active supergraph version and reload outcomes, read at each scrape. */
  supergraph?: SupergraphMetricsSource;
  /** The response cache's live counters, read at each scrape. */
  responseCache: ResponseCacheCounters;
  /** The `/graphql` admission's live state (`http/admission.ts`), read at each scrape. */
  admission?: { state(): AdmissionState };
  /** Token limit for parsing the operation name of a request refused before Apollo Server. */
  maxTokens: number;
}

/** The gateway's metrics, in a registry of its own (several gateways may share a test process). */
export function createGatewayMetrics(options: GatewayMetricsOptions): GatewayMetrics {
  const registry = new Registry();
  const requests = createRequestMetrics(registry, { maxTokens: options.maxTokens });
  responseCacheMetrics(registry, options.responseCache);
  if (options.supergraph) registerSupergraphMetrics(registry, options.supergraph);
  if (options.admission) registerAdmissionMetrics(registry, options.admission);
  const unsubscribe = subscribeSubgraphMetrics(registry, options.subgraphs);
  return {
    plugins: [requests.plugin],
    refusedBeforeOperation: requests.refusedBeforeOperation,
    register: (app) => registerMetricsRoute(app, registry),
    close: unsubscribe,
  };
}

/** Read from the cache's own counters at each scrape: no second bookkeeping. */
function responseCacheMetrics(registry: Registry, counters: ResponseCacheCounters): void {
  new Counter({
    name: 'bizgraph_gateway_response_cache_total',
    help: 'Response cache results: hit (answered from the cache), miss (cacheable, not cached), bypass (not looked up: mutations, unidentifiable callers, refusals). All 0 while RESPONSE_CACHE is off.',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ result: 'hit' }, counters.hits);
      this.inc({ result: 'miss' }, counters.misses);
      this.inc({ result: 'bypass' }, counters.bypasses);
    },
  });
  new Counter({
    name: 'bizgraph_gateway_response_cache_store_errors_total',
    help: 'Response cache store calls that failed (error), took longer than the deadline (timeout) or were skipped after a recent failure (skipped).',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ kind: 'error' }, counters.storeErrors);
      this.inc({ kind: 'timeout' }, counters.storeTimeouts);
      this.inc({ kind: 'skipped' }, counters.storeSkipped);
    },
  });
}
