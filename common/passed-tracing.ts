import { createRequire } from 'node:module';
import { exportsSpans, nonEmpty, tracingOf, type Tracing } from './trace-export.js';

type Core = typeof import('@opentelemetry/core');
type Exporter = typeof import('@opentelemetry/exporter-trace-otlp-http');
type Resources = typeof import('@opentelemetry/resources');
type Sdk = typeof import('@opentelemetry/sdk-trace-node');
type Conventions = typeof import('@opentelemetry/semantic-conventions');

const load = createRequire(import.meta.url);

/**
 * Tracing for a process that passes each request's trace context itself instead of keeping it in
 * an AsyncLocalStorage context (the gateway, `features/tracing/`): no context manager — every
 * promise of the process would pay for its hook — and, unless spans are exported, no tracer
 * provider at all: the OpenTelemetry SDK and exporter are then not even loaded (~20 MB). With an
 * OTLP endpoint: a provider with a batch processor, the W3C propagator, and the SDK's sampler
 * (`OTEL_TRACES_SAMPLER`), as `startTracing` sets them up.
 */
export function startPassedTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  if (!exportsSpans(env)) return tracingOf(undefined, false);
  const { W3CTraceContextPropagator } = load('@opentelemetry/core') as Core;
  const { OTLPTraceExporter } = load('@opentelemetry/exporter-trace-otlp-http') as Exporter;
  const { resourceFromAttributes } = load('@opentelemetry/resources') as Resources;
  const { BatchSpanProcessor, NodeTracerProvider } = load('@opentelemetry/sdk-trace-node') as Sdk;
  const { ATTR_SERVICE_NAME } = load('@opentelemetry/semantic-conventions') as Conventions;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: nonEmpty(env.OTEL_SERVICE_NAME) ?? serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register({ propagator: new W3CTraceContextPropagator(), contextManager: null });
  return tracingOf(provider, true);
}
