import { isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * The trace id of the span active where this is called, or undefined outside any trace. Logs call
 * it to join each line to its trace; it costs a context lookup and never starts tracing itself.
 */
export function currentTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
