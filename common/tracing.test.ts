import { context, propagation, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { currentTraceId } from './trace-id.js';
import { exportsSpans, startTracing } from './tracing.js';

describe('startTracing', () => {
  it('exports only when an OTLP endpoint is set', () => {
    expect(exportsSpans({})).toBe(false);
    expect(exportsSpans({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' })).toBe(false);
    expect(exportsSpans({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(exportsSpans({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
  });

  it('without export, still gives each span a trace id that is active in its context and travels as traceparent', async () => {
    const tracing = startTracing('unit-test', {});
    expect(tracing.exporting).toBe(false);
    const span = trace.getTracer('unit').startSpan('request');
    const { traceId, spanId } = span.spanContext();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const carrier: Record<string, string> = {};
    await context.with(trace.setSpan(context.active(), span), async () => {
      // An await on purpose (not a wait for anything): the span must survive crossing it.
      await new Promise((resolve) => setTimeout(resolve, 1));
      // AsyncLocalStorage carries the span across the await: logs find the trace id here.
      expect(currentTraceId()).toBe(traceId);
      propagation.inject(context.active(), carrier);
    });
    expect(carrier).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
    span.end();
    expect(currentTraceId()).toBeUndefined();
    await tracing.shutdown();
  });
});
