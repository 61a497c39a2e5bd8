import { context, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { traceStatement } from '../tracing.js';
import { activeTraceparent, uuidv7 } from './envelope.js';
import { inEventSpan } from './tracing.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
afterAll(() => provider.shutdown());
beforeEach(() => exporter.reset());

/** The traceparent a mutation's request span gives the events it records. */
function requestTraceparent(): { traceparent: string; traceId: string; spanId: string } {
  const span = trace.getTracer('test').startSpan('POST /graphql');
  const traceparent = context.with(trace.setSpan(context.active(), span), () => activeTraceparent())!;
  span.end();
  return { traceparent, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
}

describe('event spans', () => {
  it("continue the event's trace: publish and process are children of the request, the effect's SQL of process", async () => {
    const request = requestTraceparent();
    const event = { id: uuidv7(), source: 'erp', type: 'order.approved', traceparent: request.traceparent };
    await inEventSpan(event, { operation: 'publish', transport: 'jetstream' }, async () => undefined);
    await inEventSpan(event, { operation: 'process', transport: 'jetstream', consumer: 'billing.invoice', attempt: 2 }, () =>
      traceStatement('pglite', 'INSERT INTO invoices VALUES ($1)', async () => undefined),
    );
    const spans = exporter.getFinishedSpans().filter((span) => span.name !== 'POST /graphql');
    expect(spans.map((span) => [span.name, span.kind, span.spanContext().traceId === request.traceId])).toEqual([
      ['publish erp.order.approved', SpanKind.PRODUCER, true],
      ['INSERT pglite', SpanKind.CLIENT, true],
      ['process erp.order.approved', SpanKind.CONSUMER, true],
    ]);
    const [publish, statement, processing] = spans;
    expect(publish!.parentSpanContext?.spanId).toBe(request.spanId);
    expect(processing!.parentSpanContext?.spanId).toBe(request.spanId);
    expect(statement!.parentSpanContext?.spanId).toBe(processing!.spanContext().spanId);
    expect(processing!.attributes).toEqual({
      'messaging.system': 'nats',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'erp.order.approved',
      'messaging.message.id': event.id,
      'messaging.consumer.group.name': 'billing.invoice',
      'bizgraph.event.attempt': 2,
    });
  });

  it('make no span for an event without a traceparent', async () => {
    await inEventSpan({ id: uuidv7(), source: 'erp', type: 'order.approved', traceparent: null }, { operation: 'publish', transport: 'http' }, async () => undefined);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });
});
