import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Closeable } from './process.js';

export interface Tracing {
  /** True when spans leave the process (an OTLP endpoint is configured). */
  readonly exporting: boolean;
  /** Closes `server`, then flushes and stops tracing: pass the result to `runService`. */
  closing(server: Closeable): Closeable;
  /** Flushes pending spans (bounded) and stops the provider. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /**
   * `false`: the process passes trace contexts explicitly (the gateway keeps each request's trace in
   * its context), so no AsyncLocalStorage context manager is installed — every promise of the
   * process would pay for its hook — and without an exporter no provider at all (the API stays a
   * no-op; the process makes its own trace ids). @default true
   */
  activeContext?: boolean;
}

/** A collector that is down at shutdown must not hold the process past its supervisor's grace period. */
const SHUTDOWN_BUDGET_MS = 2000;

/**
 * Starts OpenTelemetry tracing for one process; call it first in each `main.ts`. By default always
 * a W3C trace-context propagator and an AsyncLocalStorage context manager, so every request has a
 * trace id (answers and logs carry it) and `traceparent` travels on every hop even when nothing is
 * exported; a process that passes its trace contexts itself opts out (`TracingOptions`). Spans are exported over OTLP/HTTP (JSON) by a batch processor only when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set; otherwise there is
 * no exporter and no processor. The SDK reads `OTEL_TRACES_SAMPLER`(`_ARG`) (default
 * `parentbased_always_on`) and `OTEL_BSP_*`; `OTEL_SERVICE_NAME` overrides `serviceName`.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env, options: TracingOptions = {}): Tracing {
  const exporting = exportsSpans(env);
  if (options.activeContext === false) return passedTracing(serviceName, env, exporting);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: nonEmpty(env.OTEL_SERVICE_NAME) ?? serviceName }),
    // The exporter reads the endpoint, headers, timeout and compression from OTEL_EXPORTER_OTLP_*.
    spanProcessors: exporting ? [new BatchSpanProcessor(new OTLPTraceExporter())] : [],
  });
  // Only W3C trace context (`traceparent`/`tracestate`); baggage could carry anything across systems.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return tracingOf(provider, exporting);
}

function tracingOf(provider: NodeTracerProvider | undefined, exporting: boolean): Tracing {
  let stopped: Promise<void> | undefined;
  const shutdown = () => {
    stopped ??= Promise.race([(provider?.shutdown() ?? Promise.resolve()).catch(() => undefined), new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_BUDGET_MS).unref())]);
    return stopped;
  };
  return {
    exporting,
    shutdown,
    closing: (server) => ({
      async close() {
        try {
          await server.close();
        } finally {
          await shutdown();
        }
      },
    }),
  };
}

/** Tracing for a process that passes its trace contexts explicitly (`activeContext: false`). */
function passedTracing(serviceName: string, env: NodeJS.ProcessEnv, exporting: boolean): Tracing {
  const provider = exporting
    ? new NodeTracerProvider({
        resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: nonEmpty(env.OTEL_SERVICE_NAME) ?? serviceName }),
        spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
      })
    : undefined;
  provider?.register({ propagator: new W3CTraceContextPropagator(), contextManager: null });
  return tracingOf(provider, exporting);
}

/** Spans leave the process only when an OTLP endpoint is configured (the exporter reads which one). */
export function exportsSpans(env: NodeJS.ProcessEnv): boolean {
  return nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) !== undefined || nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT) !== undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}
