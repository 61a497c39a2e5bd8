import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { PROM_CLIENT_SAMPLER_OFF_MS, registerEventLoopLagPercentiles } from './event-loop-lag.js';

/**
 * What the gateway's and the subgraphs' `/metrics` share. Each server instance keeps its own
 * `Registry` (tests run several servers in one process, and prom-client's global registry would
 * mix them); the process metrics (CPU, memory, event-loop lag, GC) describe the process, not a
 * server, so they live in one registry per process, created when the first `/metrics` route is
 * registered and served by every instance's `/metrics`.
 */
let processMetrics: Registry | undefined;

/** Default Node.js process metrics, `nodejs_eventloop_lag_seconds` among them (one registry per process). */
export function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    // The lag percentiles come from our own cheaper sampler (event-loop-lag.ts), not prom-client's.
    collectDefaultMetrics({ register: processMetrics, eventLoopMonitoringPrecision: PROM_CLIENT_SAMPLER_OFF_MS });
    registerEventLoopLagPercentiles(processMetrics);
  }
  return processMetrics;
}

/**
 * `GET /metrics`: Prometheus text exposition of `registry` plus the process metrics. Served in
 * production too (metrics are operational) and unauthenticated, so no label ever holds a secret,
 * a token, a subject or a field value.
 */
export function registerMetricsRoute(app: FastifyInstance, registry: Registry): void {
  // Created now, not at the first scrape: the lag sampler and the GC histogram count from the
  // server's start, so the first scrape already shows what happened since (it showed zeros).
  const processMetricsRegistry = processRegistry();
  app.get('/metrics', async (_request, reply) => {
    const [own, process] = await Promise.all([registry.metrics(), processMetricsRegistry.metrics()]);
    return reply.header('content-type', registry.contentType).header('cache-control', 'no-store').send(`${own}\n\n${process}\n`);
  });
}

export interface BoundedLabel {
  /**
   * The label value for `value`: itself when it matches the pattern and is known (or `admit` is
   * true and fewer than `max` values are known), `fallback` when absent, else `other`.
   */
  (value: string | null | undefined, admit?: boolean): string;
}

/**
 * Caps a label's cardinality: client-supplied strings (operation and client names, error codes
 * from foreign subgraphs) become series, so only the first `max` well-formed values get their own.
 */
export function boundedLabel(options: { max: number; pattern: RegExp; fallback: string }): BoundedLabel {
  const known = new Set<string>();
  return (value, admit = true) => {
    if (value === null || value === undefined || value === '') return options.fallback;
    if (known.has(value)) return value;
    if (!admit || known.size >= options.max || !options.pattern.test(value)) return 'other';
    known.add(value);
    return value;
  };
}

/** GraphQL names (operation names), at most 100 characters. */
export const NAME_PATTERN = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;
/** Client names: letters, digits and `._-/@ ` only, at most 64 characters. */
export const CLIENT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-/@ ]{0,63}$/;
/** Error codes: `UPPER_SNAKE`, at most 64 characters. */
export const CODE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Seconds, for latency histograms: 5 ms … 10 s. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** `staleIfErrorServes` → `stale_if_error_serves`. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
