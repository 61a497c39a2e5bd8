import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { FastifyRequest } from 'fastify';
import { deliveredClassified, type TagLookup } from './classified.js';
import { mayDeliverClassified } from './classified-selection.js';
import type { AuditConfig } from './config.js';
import { clip, describeOperation, describeRawOperation, errorCodesOf, outcomeOf } from '../../operation.js';
import { roundMs, type AuditLine } from './line.js';
import { openAuditSink } from './sink.js';
import { deniedCoordinates } from '../../authz/enforce.js';
import type { SupergraphPolicy } from '../../authz/policy.js';
import type { GatewayContext, GatewayPrincipal } from '../../context.js';
import type { GatewayFeature, GraphQLRouteHooks } from '../../feature.js';
import { log } from '../../log.js';
import { isoTime } from '../../../../common/logger.js';

export interface Audit extends GatewayFeature {
  /** Writes the line of every operation Apollo Server runs or refuses (`willSendResponse`). */
  plugins?: ApolloServerPlugin<GatewayContext>[];
  /** Links each operation to its HTTP request (`context.audit`). */
  contributeContext?: GatewayFeature['contributeContext'];
  /** Route hooks for `/graphql`: a line for HTTP requests answered before any operation ran. */
  routeHooks?: GraphQLRouteHooks;
  /** Lines that could not be written. */
  dropped(): number;
  /** Flushes and closes the sink. */
  close(): Promise<void>;
}

/** What the audit knows of one HTTP request to `/graphql` (`context.audit`); shared by the operations of a batch. */
export interface HttpAudit {
  started: number;
  time: string;
  principal: GatewayPrincipal | null;
  lines: number;
  /** The body of an answer no operation line covered (a 401, a refused batch), for its error codes. */
  payload?: string;
}

/** Answer bodies larger than this are not parsed for error codes (refusals are small). */
const MAX_PAYLOAD = 64 * 1024;

/**
 * The audit trail: one JSON line per GraphQL operation (per operation of a batched HTTP request),
 * written when its response is sent — see `audit/line.ts` for the fields.
 * - Operations Apollo Server handles — executed, or refused at parsing, validation, limits,
 *   introspection, authorization (filter or reject) — get their line from `willSendResponse`.
 * - An HTTP request to `/graphql` answered before any operation ran — an invalid token (401), a
 *   batch over the cap, a body that is not JSON or not a GraphQL request — gets one line from the
 *   route's `onResponse` hook, naming its operation when the body holds a single one.
 * - Not covered: CORS preflights (`OPTIONS`, no operation); a batch that Apollo Server refuses as a
 *   whole after some of its operations ran (one malformed entry) has lines for those operations only.
 * Writes never block a request unless `AUDIT_FAIL_CLOSED=1`, and never fail one (see `audit/sink.ts`).
 */
export function createAudit(config: AuditConfig, policy: SupergraphPolicy | ((schema: GraphQLSchema | undefined) => SupergraphPolicy), options: { maxTokens: number }): Audit {
  if (config.sink.kind === 'off') {
    return { dropped: () => 0, close: async () => {} };
  }
  const sink = openAuditSink(config.sink);
  log('info', 'audit trail', { target: config.sink.kind === 'file' ? config.sink.path : 'stdout', failClosed: config.failClosed });
  const requests = new WeakMap<FastifyRequest, HttpAudit>();
  // A function when the supergraph is reloaded: the policy of the version the request ran on.
  const policyOf = typeof policy === 'function' ? policy : () => policy;
  const lookups = new WeakMap<SupergraphPolicy, TagLookup | undefined>();
  /** The tag lookup of a policy that classifies anything, else undefined (computed once per policy). */
  const classifiedTagsOf = (schema: GraphQLSchema | undefined): TagLookup | undefined => {
    const current = policyOf(schema);
    if (!lookups.has(current)) {
      const anyClassified = [...current.fields.values()].some((field) => field.tags.length > 0);
      lookups.set(current, anyClassified ? (coordinate) => current.fields.get(coordinate)?.tags : undefined);
    }
    return lookups.get(current);
  };

  const startHttp = (): HttpAudit => ({ started: performance.now(), time: isoTime(), principal: null, lines: 0 });

  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart({ contextValue }) {
      // Operations run without HTTP (executeOperation) are timed from here.
      const http = contextValue.audit ?? { ...startHttp(), principal: contextValue.principal };
      return {
        async willSendResponse(requestContext) {
          http.lines++;
          let written: Promise<boolean>;
          try {
            written = sink.write(JSON.stringify(operationLine(requestContext, http, classifiedTagsOf(requestContext.schema))));
          } catch (error) {
            // A bug here must not cost the caller their answer (unless the audit must be complete).
            log('error', 'audit line could not be built', { requestId: requestContext.contextValue.requestId, error: String((error as Error).stack ?? error) });
            written = Promise.resolve(false);
          }
          if (config.failClosed && !(await written)) refuse(requestContext);
        },
      };
    },
  };

  return {
    plugins: [plugin],
    // Only for a context that was built: a refused token gets its line from `onResponse`.
    contributeContext(context, request) {
      const http = requests.get(request);
      if (!http) return;
      http.principal = context.principal;
      context.audit = http;
    },
    routeHooks: {
      onRequest(request, _reply, done) {
        requests.set(request, startHttp());
        done();
      },
      onSend(request, _reply, payload, done) {
        const http = requests.get(request);
        if (http && http.lines === 0 && typeof payload === 'string' && payload.length <= MAX_PAYLOAD) http.payload = payload;
        done(null, payload);
      },
      onResponse(request, reply, done) {
        const http = requests.get(request);
        // CORS preflights carry no operation; everything else on /graphql is audited.
        if (http && http.lines === 0 && request.method !== 'OPTIONS') {
          http.lines++;
          try {
            void sink.write(JSON.stringify(httpLine(request, reply.statusCode, http, options.maxTokens)));
          } catch (error) {
            log('error', 'audit line could not be built', { requestId: request.id, error: String((error as Error).stack ?? error) });
          }
        }
        done();
      },
    },
    dropped: () => sink.dropped(),
    close: () => sink.close(),
  };
}

function operationLine(requestContext: GraphQLRequestContextWillSendResponse<GatewayContext>, http: HttpAudit, tagsOf: TagLookup | undefined): AuditLine {
  const { contextValue, request, response, document, operation, schema } = requestContext;
  const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
  const errorCodes = errorCodesOf(result.errors);
  const hasData = typeof result.data === 'object' && result.data !== null;
  const classified =
    tagsOf && hasData && document && operation && mayDeliverClassified(schema, document, tagsOf)
      ? deliveredClassified({ schema, document, operation, variables: request.variables, data: result.data, tagsOf })
      : [];
  // Before the operation is resolved (a validation error) the parsed document may still name it.
  const named = operation ? { operationName: clip(operation.name?.value), operationType: operation.operation } : describeOperation(document, request.operationName);
  return {
    type: 'audit',
    time: http.time,
    requestId: contextValue.requestId,
    subject: contextValue.principal?.subject ?? null,
    clientName: clip(request.http?.headers.get('apollographql-client-name')),
    clientVersion: clip(request.http?.headers.get('apollographql-client-version')),
    operationName: named.operationName,
    operationHash: requestContext.queryHash ?? null,
    operationType: named.operationType,
    outcome: outcomeOf(response.http.status, hasData, result.errors?.length ?? 0, errorCodes),
    classified,
    denied: [...deniedCoordinates(contextValue)],
    errorCodes,
    durationMs: roundMs(performance.now() - http.started),
  };
}

function httpLine(request: FastifyRequest, status: number, http: HttpAudit, maxTokens: number): AuditLine {
  let errors: unknown[] | undefined;
  try {
    errors = http.payload ? (JSON.parse(http.payload) as { errors?: unknown[] }).errors : undefined;
  } catch {
    errors = undefined;
  }
  const errorCodes = errorCodesOf(Array.isArray(errors) ? errors : undefined);
  const header = (name: string) => clip(request.headers[name]);
  const operation = describeRawOperation(request.method === 'GET' ? request.query : request.body, maxTokens);
  return {
    type: 'audit',
    time: http.time,
    requestId: request.id,
    subject: http.principal?.subject ?? null,
    clientName: header('apollographql-client-name'),
    clientVersion: header('apollographql-client-version'),
    operationName: operation.operationName,
    operationHash: operation.operationHash,
    operationType: operation.operationType,
    outcome: outcomeOf(status, false, Array.isArray(errors) ? errors.length : status >= 400 ? 1 : 0, errorCodes),
    classified: [],
    denied: [],
    errorCodes,
    durationMs: roundMs(performance.now() - http.started),
  };
}

/** `AUDIT_FAIL_CLOSED=1`: an answer whose audit line was not written is replaced by a 503. */
function refuse(requestContext: GraphQLRequestContextWillSendResponse<GatewayContext>): void {
  requestContext.response.body = {
    kind: 'single',
    singleResult: { errors: [{ message: 'The request cannot be audited; try again later', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] },
  };
  requestContext.response.http.status = 503;
}
