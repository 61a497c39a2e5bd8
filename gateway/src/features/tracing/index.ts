import type { ApolloServerPlugin } from '@apollo/server';
import { trace } from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';
import { ConfigError, type Env } from '../../../../common/config.js';
import type { GatewayContext } from '../../context.js';
import type { GatewayFeature } from '../../feature.js';
import { endRequestTrace, startRequestTrace, type RequestTrace } from '../../observability/request-trace.js';

/** Response header with the request's trace id: on every `/graphql` answer, 401s and 400s included. */
export const TRACE_ID_HEADER = 'x-trace-id';

export interface RequestTraces extends GatewayFeature {
  /** The trace of a `/graphql` request (also before its context exists: a 401's log line). */
  traceOf(request: FastifyRequest): RequestTrace | undefined;
}

/**
 * The trace of every `/graphql` request, continuing a client's `traceparent`: kept in the
 * request's context (`context.trace`), never in an AsyncLocalStorage context, so what is not
 * exported costs two random ids per request. With `exporting` (an OTLP endpoint is configured) it
 * is a SERVER span with the request id and client name (`apollographql-client-name`); each
 * subgraph call then gets a CLIENT span under it (`datasource/fetch-span.ts`).
 */
export function requestSpansFeature(exporting: boolean): RequestTraces {
  const tracer = exporting ? trace.getTracer('bizgraph-gateway') : undefined;
  const traces = new WeakMap<FastifyRequest, RequestTrace>();
  const finish = (request: FastifyRequest, statusCode: number | undefined) => {
    const current = traces.get(request);
    if (current) endRequestTrace(current, statusCode);
  };
  return {
    traceOf: (request) => traces.get(request),
    routeHooks: {
      onRequest(request, reply, done) {
        const client = request.headers['apollographql-client-name'];
        const attributes = tracer
          ? {
              'http.request.method': request.method,
              'http.route': '/graphql',
              'url.path': '/graphql',
              'bizgraph.request_id': request.id,
              ...(typeof client === 'string' ? { 'bizgraph.client.name': client.slice(0, 128) } : {}),
            }
          : {};
        const requestTrace = startRequestTrace(request.headers, `${request.method} /graphql`, attributes, tracer);
        traces.set(request, requestTrace);
        reply.header(TRACE_ID_HEADER, requestTrace.traceId);
        done();
      },
      onResponse(request, reply, done) {
        finish(request, reply.statusCode);
        done();
      },
    },
    register(app) {
      app.addHook('onRequestAbort', (request, done) => {
        finish(request, undefined);
        done();
      });
    },
    contributeContext(context, request) {
      context.trace = traces.get(request);
    },
  };
}

/** `extensions.traceId` on answers and the operation's name on the request span (see `traceIdPlugin`). */
export function traceIdFeature(env: Env = process.env): GatewayFeature {
  return { plugins: [traceIdPlugin(env)] };
}

/**
 * `TRACE_ID_EXTENSION`: `on` (default) adds `extensions.traceId` to every answer; `off` leaves
 * answers as they were (the `x-trace-id` header stays). The test suite turns it off in
 * vitest.config.ts so its literal expected bodies hold; test/tracing.test.ts turns it on.
 */
export function readTraceIdExtension(env: Env): boolean {
  const raw = env.TRACE_ID_EXTENSION;
  if (raw === undefined || raw === '' || raw === 'on') return true;
  if (raw === 'off') return false;
  throw new ConfigError('TRACE_ID_EXTENSION', `expected "on" or "off", got "${raw}"`);
}

/**
 * Names the operation on the request span once it is resolved, and returns the trace id in
 * `extensions.traceId` of every answer (only the id: nothing else about the trace is revealed).
 * Place it last: the response cache stores `data` only, so a cached answer never repeats an old id.
 */
export function traceIdPlugin(env: Env = process.env): ApolloServerPlugin<GatewayContext> {
  const extension = readTraceIdExtension(env);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName, operation, contextValue }) {
          const span = contextValue.trace?.span;
          if (!span || !operation) return;
          span.setAttribute('graphql.operation.type', operation.operation);
          if (operationName) span.setAttribute('graphql.operation.name', operationName);
        },
        async willSendResponse({ response, contextValue }) {
          if (!extension || response.body.kind !== 'single') return;
          const traceId = contextValue.trace?.traceId;
          if (traceId === undefined) return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, traceId };
        },
      };
    },
  };
}
