import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface RequestSpanOptions {
  /** Instrumentation scope, e.g. `bizgraph-gateway`. */
  tracerName: string;
  /** Only these routes get a span (health and metrics scrapes would drown the traces). */
  routes: readonly string[];
  /** Attributes known at arrival (request id, client name, …). */
  attributes?(request: FastifyRequest): Attributes;
  /** Response header that carries the trace id to the caller, if any. */
  traceIdHeader?: string;
}

interface RequestTrace {
  span: Span;
  context: Context;
}

/**
 * One SERVER span per HTTP request on the given routes, continuing the caller's `traceparent`.
 * The span is made active (AsyncLocalStorage) for the rest of the request's handling: for the
 * `onRequest` hooks registered after this, again from `preHandler` on (body parsing runs in the
 * socket's context, so the span is re-entered there) — the handler, Apollo and its plugins, and
 * every outbound call run inside it — and for the `onResponse` hooks registered after this.
 * Register it before other hooks so they see the trace id.
 */
export function registerRequestSpans(app: FastifyInstance, options: RequestSpanOptions): void {
  const tracer = trace.getTracer(options.tracerName);
  const routes = new Set(options.routes);
  const traces = new WeakMap<FastifyRequest, RequestTrace>();

  app.addHook('onRequest', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (route === undefined || !routes.has(route)) return done();
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'http.route': route, 'url.path': route, ...options.attributes?.(request) },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    traces.set(request, { span, context: active });
    if (options.traceIdHeader) reply.header(options.traceIdHeader, span.spanContext().traceId);
    context.with(active, done);
  });

  app.addHook('preHandler', (request, _reply, done) => {
    const current = traces.get(request);
    return current ? context.with(current.context, done) : done();
  });

  const finish = (request: FastifyRequest, statusCode: number | undefined, done: () => void) => {
    const current = traces.get(request);
    if (!current) return done();
    traces.delete(request);
    endServerSpan(current.span, statusCode);
    // Ended but still active: hooks after this one (the request's log line) still see the trace id.
    context.with(current.context, done);
  };
  app.addHook('onResponse', (request, reply, done) => finish(request, reply.statusCode, done));
  app.addHook('onRequestAbort', (request, done) => finish(request, undefined, done));
}

/** Ends a request's SERVER span with the answer's status (5xx an error), or as aborted when there was none. */
export function endServerSpan(span: Span, statusCode: number | undefined): void {
  if (statusCode === undefined) {
    span.setAttribute('error.type', 'aborted');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'client aborted the request' });
  } else {
    span.setAttribute('http.response.status_code', statusCode);
    if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
