import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { exportsSpans, nonEmpty, tracingOf, type Tracing } from './trace-export.js';

export { exportsSpans, type Tracing } from './trace-export.js';

/**
 * Starts OpenTelemetry tracing for one process; call it first in each `main.ts`. By default always
 * a W3C trace-context propagator and an AsyncLocalStorage context manager, so every request has a
 * trace id (answers and logs carry it) and `traceparent` travels on every hop even when nothing is
 * exported; the gateway passes its trace contexts itself (`startPassedTracing`). Spans are exported over OTLP/HTTP (JSON) by a batch processor only when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set; otherwise there is
 * no exporter and no processor. The SDK reads `OTEL_TRACES_SAMPLER`(`_ARG`) (default
 * `parentbased_always_on`) and `OTEL_BSP_*`; `OTEL_SERVICE_NAME` overrides `serviceName`.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  const exporting = exportsSpans(env);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: nonEmpty(env.OTEL_SERVICE_NAME) ?? serviceName }),
    // The exporter reads the endpoint, headers, timeout and compression from OTEL_EXPORTER_OTLP_*.
    spanProcessors: exporting ? [new BatchSpanProcessor(new OTLPTraceExporter())] : [],
  });
  // Only W3C trace context (`traceparent`/`tracestate`); baggage could carry anything across systems.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return tracingOf(provider, exporting);
}
