import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import { registerRequestSpans } from '../../common/request-span.js';

/**
 * Spans of a subgraph: its SERVER span per `/graphql` request (continuing the gateway's
 * `traceparent`) and the system hops below it: a CLIENT span per REST call and per SQL statement.
 * Hop spans are made only inside a request's trace, so start-up work (migrations, seeding) and
 * health checks without one export nothing.
 */
const tracer = trace.getTracer('bizgraph-subgraph');

export function registerSubgraphRequestSpans(app: FastifyInstance, subgraph: string): void {
  registerRequestSpans(app, {
    tracerName: 'bizgraph-subgraph',
    routes: ['/graphql'],
    attributes(request) {
      const requestId = request.headers['x-request-id'];
      return { 'bizgraph.subgraph': subgraph, ...(typeof requestId === 'string' ? { 'bizgraph.request_id': requestId.slice(0, 128) } : {}) };
    },
  });
}

/** Runs `work` in a CLIENT span when a trace is active, else just runs it. */
async function inHopSpan<T>(name: string, attributes: Record<string, string | number>, work: (span: Span | undefined) => Promise<T>): Promise<T> {
  const parent = context.active();
  if (!trace.getSpan(parent)) return work(undefined);
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.setAttribute('error.type', (error as Error)?.name ?? 'Error');
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * A REST call to the system: span `GET /customers/{id}` (path segments with digits become `{id}`;
 * the query string, which can hold emails, is never recorded); `call` sends `traceHeaders` (`traceparent`).
 */
export function traceRestCall<T extends { statusCode: number }>(system: string, method: string, url: URL, call: (traceHeaders: Record<string, string>) => Promise<T>): Promise<T> {
  const template = url.pathname.replace(/\/[^/]*\d[^/]*/g, '/{id}');
  const attributes = {
    'http.request.method': method,
    'url.template': template,
    'server.address': url.hostname,
    'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    'bizgraph.system': system,
  };
  return inHopSpan(`${method} ${template}`, attributes, async (span) => {
    const traceHeaders: Record<string, string> = {};
    if (span) propagation.inject(context.active(), traceHeaders);
    const response = await call(traceHeaders);
    if (span) {
      span.setAttribute('http.response.status_code', response.statusCode);
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    }
    return response;
  });
}

const MAX_STATEMENT_CHARS = 300;

/**
 * One SQL statement: span named after its first keyword (`SELECT`, `INSERT`, …) with the statement
 * text, whitespace collapsed and truncated. Statements are parameterized; values are never recorded.
 */
export function traceStatement<T>(engine: 'pglite' | 'postgres', text: string, run: () => Promise<T>): Promise<T> {
  if (!trace.getSpan(context.active())) return run();
  const statement = text.replace(/\s+/g, ' ').trim();
  const operation = /^[a-z]+/i.exec(statement)?.[0]?.toUpperCase() ?? 'SQL';
  const attributes = {
    'db.system.name': engine === 'pglite' ? 'pglite' : 'postgresql',
    'db.operation.name': operation,
    'db.query.text': statement.length > MAX_STATEMENT_CHARS ? `${statement.slice(0, MAX_STATEMENT_CHARS)}…` : statement,
  };
  return inHopSpan(`${operation} ${attributes['db.system.name']}`, attributes, () => run());
}
