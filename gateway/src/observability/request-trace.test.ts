import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { endRequestTrace, startRequestTrace, traceparentOf } from './request-trace.js';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

describe('a request trace without an exporter (ids only, no span)', () => {
  it("continues the caller's traceparent with a span id of its own, and passes its flags and tracestate on", () => {
    const requestTrace = startRequestTrace({ traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-00`, tracestate: 'vendor=x' }, 'POST /graphql', {}, undefined);
    expect(requestTrace).toEqual({ traceId: CALLER_TRACE, spanId: expect.stringMatching(/^[0-9a-f]{16}$/), flags: 0, traceState: 'vendor=x' });
    expect(requestTrace.spanId).not.toBe(CALLER_SPAN);
    expect(traceparentOf(requestTrace)).toBe(`00-${CALLER_TRACE}-${requestTrace.spanId}-00`);
  });

  it('starts a new sampled trace when the caller sent none or an invalid one (and drops its tracestate then)', () => {
    for (const headers of [{}, { traceparent: 'garbage', tracestate: 'vendor=x' }, { traceparent: `00-${'0'.repeat(32)}-${CALLER_SPAN}-01` }]) {
      const requestTrace = startRequestTrace(headers, 'POST /graphql', {}, undefined);
      expect(requestTrace).toEqual({ traceId: expect.stringMatching(/^[0-9a-f]{32}$/), spanId: expect.stringMatching(/^[0-9a-f]{16}$/), flags: 1, traceState: undefined });
      expect(requestTrace.traceId).not.toBe('0'.repeat(32));
      expect(traceparentOf(requestTrace)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    }
  });

  it('ends without a span', () => {
    expect(() => endRequestTrace(startRequestTrace({}, 'POST /graphql', {}, undefined), 200)).not.toThrow();
  });
});

describe('a request trace with an exporter', () => {
  it("records a SERVER span under the caller's context, with its ids, and ends it with the status", () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('test');
    const requestTrace = startRequestTrace(
      { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`, tracestate: 'vendor=x' },
      'POST /graphql',
      { 'bizgraph.request_id': 'r1' },
      tracer,
    );
    expect(requestTrace.traceId).toBe(CALLER_TRACE);
    expect(requestTrace.span?.spanContext().spanId).toBe(requestTrace.spanId);
    endRequestTrace(requestTrace, 503);
    const [span, ...more] = exporter.getFinishedSpans();
    expect(more).toEqual([]);
    expect(span!.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(span!.spanContext().traceState?.serialize()).toBe('vendor=x');
    expect(span!.attributes).toEqual({ 'bizgraph.request_id': 'r1', 'http.response.status_code': 503 });
    expect(span!.status.code).toBe(2);
    // Nothing was made active: the gateway passes the trace, it does not install it.
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
