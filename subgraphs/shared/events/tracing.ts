import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { subjectOf, type BusinessEvent } from './envelope.js';

/**
 * Spans of the event runtime, children of the `traceparent` the event carries (the request that
 * caused it), so one trace spans the mutation, the relay's publish and each consumer's effect in
 * another system; SQL statements run inside a consumer's span nest under it. Events without a
 * traceparent (start-up work, tests) export nothing, like the subgraphs' hop spans.
 */
const tracer = trace.getTracer('bizgraph-events');

export interface EventSpanOptions {
  operation: 'publish' | 'process';
  transport: 'jetstream' | 'http';
  /** The consuming handler's name (`process` only). */
  consumer?: string;
  attempt?: number;
}

export async function inEventSpan<T>(event: Pick<BusinessEvent, 'id' | 'source' | 'type' | 'traceparent'>, options: EventSpanOptions, work: () => Promise<T>): Promise<T> {
  if (!event.traceparent) return work();
  const parent = propagation.extract(ROOT_CONTEXT, { traceparent: event.traceparent });
  if (!trace.getSpan(parent)) return work();
  const subject = subjectOf(event);
  const span = tracer.startSpan(
    `${options.operation} ${subject}`,
    {
      kind: options.operation === 'publish' ? SpanKind.PRODUCER : SpanKind.CONSUMER,
      attributes: {
        'messaging.system': options.transport === 'jetstream' ? 'nats' : 'http',
        'messaging.operation.type': options.operation === 'publish' ? 'send' : 'process',
        'messaging.destination.name': subject,
        'messaging.message.id': event.id,
        ...(options.consumer ? { 'messaging.consumer.group.name': options.consumer } : {}),
        ...(options.attempt ? { 'bizgraph.event.attempt': options.attempt } : {}),
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    span.setAttribute('error.type', (error as Error)?.name ?? 'Error');
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
    throw error;
  } finally {
    span.end();
  }
}
