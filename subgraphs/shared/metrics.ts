import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyInstance } from 'fastify';
import { getOperationAST } from 'graphql';
import { Counter, Histogram, Registry } from 'prom-client';
import { boundedLabel, CODE_PATTERN, LATENCY_BUCKETS, NAME_PATTERN, registerMetricsRoute, snakeCase } from '../../common/metrics.js';
import type { BaseContext } from './context.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The subgraph's metrics registry, set by `registerRoutes`: features wired after the server is built (business events) add their series to it. */
    subgraphMetrics?: Registry;
  }
}

export interface SubgraphMetrics<C extends BaseContext> {
  /** Counts every operation the subgraph answers (executed or refused), at `willSendResponse`. */
  plugin: ApolloServerPlugin<C>;
  /** `GET /metrics`, also in production (no secrets or PII in labels). */
  registerRoutes(app: FastifyInstance): void;
}

export interface SubgraphMetricsOptions {
  /** Subgraph name, e.g. `crm`; a label on every series of this registry. */
  name: string;
  /** The subgraph's own counters (`/debug/counters`), read at each scrape: no second bookkeeping. */
  debugCounters?(): Record<string, number>;
}

/**
 * A subgraph's metrics in a registry of its own: operations by name and outcome with their
 * duration, errors by code, and — read from the counters the subgraph already keeps — calls to
 * its business system and entity-cache results (see `describeCounter`).
 */
export function createSubgraphMetrics<C extends BaseContext>(options: SubgraphMetricsOptions): SubgraphMetrics<C> {
  const registry = new Registry();
  registry.setDefaultLabels({ subgraph: options.name });
  const registers = [registry];
  const requests = new Counter({
    name: 'bizgraph_subgraph_requests_total',
    help: 'GraphQL operations answered, by operation name (the query planner names them Operation__subgraph__N) and outcome (ok, partial, error).',
    labelNames: ['operation', 'outcome'],
    registers,
  });
  const duration = new Histogram({
    name: 'bizgraph_subgraph_request_duration_seconds',
    help: 'From the start of each operation in Apollo Server to its answer.',
    labelNames: ['operation'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const errors = new Counter({ name: 'bizgraph_subgraph_errors_total', help: 'Errors sent to the gateway, by extensions.code.', labelNames: ['code'], registers });
  upstreamMetrics(registry, options);

  const operationLabel = boundedLabel({ max: 200, pattern: NAME_PATTERN, fallback: 'anonymous' });
  const codeLabel = boundedLabel({ max: 50, pattern: CODE_PATTERN, fallback: 'unknown' });
  const plugin: ApolloServerPlugin<C> = {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ request, response, document, operation }) {
          const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          const sent = result.errors ?? [];
          const resolved = operation ?? (document ? getOperationAST(document, request.operationName) : null);
          const name = operationLabel(resolved?.name?.value, operation !== undefined);
          const hasData = typeof result.data === 'object' && result.data !== null;
          requests.inc({ operation: name, outcome: sent.length === 0 ? 'ok' : hasData ? 'partial' : 'error' });
          duration.observe({ operation: name }, (performance.now() - started) / 1000);
          for (const error of sent) {
            const code = error.extensions?.code;
            errors.inc({ code: codeLabel(typeof code === 'string' ? code : null) });
          }
        },
      };
    },
  };
  const registerRoutes = (app: FastifyInstance) => {
    app.decorate('subgraphMetrics', registry);
    registerMetricsRoute(app, registry);
  };
  return { plugin, registerRoutes };
}

/** Where one debug counter goes: a family and its extra label. */
type Described = { family: 'upstream'; system: string; kind: 'http' | 'sql' } | { family: 'cache'; result: string } | { family: 'other'; event: string };

/**
 * Debug counter names → metrics: `<system>Calls` (HTTP calls to a REST system, e.g. `crmCalls`),
 * `sqlStatements` (statements sent to the subgraph's own database, system = the subgraph),
 * `entityCache<Result>` (entity cache), anything else an event (e.g. `crmWebhooksAccepted`).
 */
export function describeCounter(subgraph: string, key: string): Described {
  const calls = /^([a-z][A-Za-z0-9]*)Calls$/.exec(key);
  if (calls) return { family: 'upstream', system: calls[1]!, kind: 'http' };
  if (key === 'sqlStatements') return { family: 'upstream', system: subgraph, kind: 'sql' };
  if (key.startsWith('entityCache') && key.length > 'entityCache'.length) return { family: 'cache', result: snakeCase(key.slice('entityCache'.length)) };
  return { family: 'other', event: snakeCase(key) };
}

/** Families read from `debugCounters()` at each scrape; `/debug/counters/reset` (dev only) shows as a counter reset. */
function upstreamMetrics(registry: Registry, options: SubgraphMetricsOptions): void {
  // A plain object read per family: cheap, and always the subgraph's own current values.
  const read = () => Object.entries(options.debugCounters?.() ?? {}).map(([key, value]) => ({ described: describeCounter(options.name, key), value }));
  new Counter({
    name: 'bizgraph_subgraph_upstream_calls_total',
    help: "Calls to the subgraph's business system: HTTP requests to its REST API (kind http) or SQL statements to its database (kind sql).",
    labelNames: ['system', 'kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { described, value } of read()) if (described.family === 'upstream') this.inc({ system: described.system, kind: described.kind }, value);
    },
  });
  new Counter({
    name: 'bizgraph_subgraph_entity_cache_total',
    help: 'Entity cache results: hits, misses, stale_serves (past TTL, within SWR), stale_if_error_serves, store_errors, store_timeouts, invalidations, refreshes, refresh_errors.',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { described, value } of read()) if (described.family === 'cache') this.inc({ result: described.result }, value);
    },
  });
  new Counter({
    name: 'bizgraph_subgraph_events_total',
    help: "The subgraph's other counters, by event (e.g. crm_webhooks_accepted, crm_webhooks_rejected).",
    labelNames: ['event'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { described, value } of read()) if (described.family === 'other') this.inc({ event: described.event }, value);
    },
  });
}
