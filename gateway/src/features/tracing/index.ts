import type { ApolloServerPlugin } from '@apollo/server';
import { trace } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import { ConfigError, type Env } from '../../../../common/config.js';
import { registerRequestSpans } from '../../../../common/request-span.js';
import { currentTraceId } from '../../../../common/trace-id.js';
import type { GatewayContext } from '../../context.js';
import type { GatewayFeature } from '../../feature.js';

/** Response header with the request's trace id: on every `/graphql` answer, 401s and 400s included. */
export const TRACE_ID_HEADER = 'x-trace-id';

/**
 * The gateway's SERVER span per `/graphql` request (continuing a client's `traceparent`), with the
 * request id and the client name (`apollographql-client-name`). First in the feature list: the
 * hooks, plugins and subgraph fetches of every later feature then run inside the span.
 */
export function requestSpansFeature(): GatewayFeature {
  return { register: registerGatewayRequestSpans };
}

/** `extensions.traceId` on answers and the operation's name on the request span (see `traceIdPlugin`). */
export function traceIdFeature(env: Env = process.env): GatewayFeature {
  return { plugins: [traceIdPlugin(env)] };
}

function registerGatewayRequestSpans(app: FastifyInstance): void {
  registerRequestSpans(app, {
    tracerName: 'bizgraph-gateway',
    routes: ['/graphql'],
    traceIdHeader: TRACE_ID_HEADER,
    attributes(request) {
      const client = request.headers['apollographql-client-name'];
      return { 'bizgraph.request_id': request.id, ...(typeof client === 'string' ? { 'bizgraph.client.name': client.slice(0, 128) } : {}) };
    },
  });
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
        async didResolveOperation({ operationName, operation }) {
          const span = trace.getActiveSpan();
          if (!span || !operation) return;
          span.setAttribute('graphql.operation.type', operation.operation);
          if (operationName) span.setAttribute('graphql.operation.name', operationName);
        },
        async willSendResponse({ response }) {
          if (!extension || response.body.kind !== 'single') return;
          const traceId = currentTraceId();
          if (traceId === undefined) return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, traceId };
        },
      };
    },
  };
}
