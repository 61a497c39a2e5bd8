import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isoTime, type RequestLineLogger } from './logger.js';
import { currentTraceId } from './trace-id.js';

/**
 * How a request ended, as the audit trail, the gateway's request metrics and every request line
 * say it. `rejected` is the caller's mistake (answered 4xx, nothing ran), apart from `error` so an
 * alert on server failures is not raised by clients sending junk.
 */
export type RequestOutcome = 'ok' | 'partial' | 'error' | 'rejected' | 'unauthenticated' | 'forbidden';

/** What one GraphQL operation of the request adds to its line. */
export interface OperationSummary {
  operationName: string | null;
  operationType: string | null;
  clientName: string | null;
  outcome: RequestOutcome;
  errorCodes: string[];
}

interface RequestState {
  started: number;
  operations: OperationSummary[];
  traceId?: string;
  /** Error codes of an answer no operation covered (a 401 before Apollo ran), read in onSend. */
  errorCodes?: string[];
}

export interface RequestLogOptions {
  /** `requestLineLogger()`: the line is built from fields that cannot hold credentials, so it skips redaction. */
  logger: RequestLineLogger;
  /** Routes logged at debug, not info: probes and scrapes would flood the log. */
  quietRoutes?: readonly string[];
  /** The id the line carries (none when it returns undefined). @default request.id (fastify's genReqId) */
  requestId?(request: FastifyRequest): string | undefined;
  /** The request's trace id. @default the active span's (AsyncLocalStorage), for processes that keep one */
  traceId?(request: FastifyRequest): string | undefined;
}

export interface RequestLog {
  /**
   * Links a GraphQL context to its HTTP request's line: `graphqlRequestLogPlugin` finds the line
   * through the context (Apollo Server's per-operation copies keep the link), not through an
   * AsyncLocalStorage context. Call it where the context is built.
   */
  attach(context: object, request: FastifyRequest): void;
}

/** The context slot `attach` fills (a symbol: no context type needs to declare it). */
const LINE = Symbol('request log line');
type WithLine = { [LINE]?: RequestState };
const MAX_TEXT = 128;
/** Answers larger than this are not parsed for error codes (refusals are small). */
const MAX_PAYLOAD = 64 * 1024;

/** The caller's `x-request-id` (≤128 characters), if it sent one. */
export function requestIdHeader(request: FastifyRequest): string | undefined {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && header !== '' && header.length <= 128 ? header : undefined;
}

export const DEFAULT_QUIET_ROUTES = ['/healthz', '/readyz', '/metrics', '/.well-known/jwks.json', '/debug/counters', '/debug/counters/reset'];

/**
 * One log line per HTTP request, written when the response is sent (`msg: "request"`): method,
 * path (never the query string), status, `durationMs`, `requestId`, `traceId`, and for GraphQL the
 * operation's name, type, client name, outcome and error codes (`graphqlRequestLogPlugin` reports
 * them; a batch lists its operations under `operations`). Register it after the request spans so
 * its hooks run inside the request's trace.
 */
export function registerRequestLog(app: FastifyInstance, options: RequestLogOptions): RequestLog {
  const quiet = new Set(options.quietRoutes ?? DEFAULT_QUIET_ROUTES);
  const states = new WeakMap<FastifyRequest, RequestState>();
  const traceIdOf = options.traceId ?? (() => currentTraceId());
  // Callback hooks, not async ones: no promise per hook per request.
  app.addHook('onRequest', (request, _reply, done) => {
    states.set(request, { started: performance.now(), operations: [] });
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    const state = states.get(request);
    if (state) {
      state.traceId ??= traceIdOf(request);
      if (state.operations.length === 0 && reply.statusCode >= 400 && typeof payload === 'string' && payload.length <= MAX_PAYLOAD && payload.includes('"errors"')) {
        state.errorCodes = errorCodesInBody(payload);
      }
    }
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const state = states.get(request);
    if (state) {
      states.delete(request);
      writeLine(options, traceIdOf, quiet, state, request, reply.statusCode);
    }
    done();
  });
  return {
    attach(context, request) {
      const state = states.get(request);
      if (state) (context as WithLine)[LINE] = state;
    },
  };
}

/** The line, built in the order it is written (pino's: level, time, service, fields, msg). */
function writeLine(
  options: RequestLogOptions,
  traceIdOf: (request: FastifyRequest) => string | undefined,
  quiet: ReadonlySet<string>,
  state: RequestState,
  request: FastifyRequest,
  status: number,
): void {
  const route = request.routeOptions.url;
  const level = route !== undefined && quiet.has(route) ? 'debug' : status >= 500 ? 'error' : 'info';
  const logger = options.logger;
  if (!logger.isLevelEnabled(level)) return;
  const line: Record<string, unknown> = { level, time: isoTime(), service: logger.service };
  const requestId = options.requestId ? options.requestId(request) : request.id;
  if (requestId) line.requestId = requestId;
  const traceId = traceIdOf(request) ?? state.traceId;
  if (traceId) line.traceId = traceId;
  line.method = request.method;
  const query = request.url.indexOf('?');
  line.path = (query < 0 ? request.url : request.url.slice(0, query)).slice(0, 512);
  line.status = status;
  line.durationMs = Math.round((performance.now() - state.started) * 100) / 100;
  addGraphQLFields(line, state, status);
  line.msg = 'request';
  logger.write(line);
}

function addGraphQLFields(line: Record<string, unknown>, state: RequestState, status: number): void {
  const [only, ...more] = state.operations;
  if (only === undefined) {
    if (state.errorCodes) {
      line.outcome = outcomeOf(status, false, Math.max(state.errorCodes.length, 1), state.errorCodes);
      line.errorCodes = state.errorCodes;
    }
    return;
  }
  if (more.length === 0) {
    addSummary(line, only);
    return;
  }
  Object.assign(line, graphqlFields(state));
}

/** The known parts of one operation's summary (absent names are left out, so a line holds only what is known). */
function addSummary(target: Record<string, unknown>, summary: OperationSummary): Record<string, unknown> {
  if (summary.operationName !== null) target.operationName = summary.operationName;
  if (summary.operationType !== null) target.operationType = summary.operationType;
  if (summary.clientName !== null) target.clientName = summary.clientName;
  target.outcome = summary.outcome;
  target.errorCodes = summary.errorCodes;
  return target;
}

/** A batch's fields: the outcome over all its operations and each one's summary. */
function graphqlFields(state: RequestState): Record<string, unknown> {
  const all = state.operations;
  return {
    outcome: batchOutcomeOf(all.map((o) => o.outcome)),
    errorCodes: [...new Set(all.flatMap((o) => o.errorCodes))].sort(),
    operations: all.map((summary) => addSummary({}, summary)),
  };
}

/**
 * Reports each GraphQL operation to the line of its HTTP request (the context `RequestLog.attach`
 * linked to it); operations run without HTTP (`executeOperation`) are not logged.
 */
export function graphqlRequestLogPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, operation, operationName, contextValue }) {
          const state = (contextValue as WithLine)[LINE];
          if (!state) return;
          state.traceId ??= currentTraceId();
          const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          const errorCodes = errorCodesOf(result.errors);
          const hasData = typeof result.data === 'object' && result.data !== null;
          state.operations.push({
            operationName: clip(operation?.name?.value ?? operationName ?? request.operationName),
            operationType: operation?.operation ?? null,
            clientName: clip(request.http?.headers.get('apollographql-client-name')),
            outcome: outcomeOf(response.http.status, hasData, result.errors?.length ?? 0, errorCodes),
            errorCodes,
          });
        },
      };
    },
  };
}

/**
 * `unauthenticated` (401, or no data and UNAUTHENTICATED), `forbidden` (403, or no data and
 * FORBIDDEN), `ok` (no errors), `partial` (data and errors), `rejected` (no data, any other 4xx:
 * a body that is not JSON, a parse or validation failure, a limit exceeded), else `error`.
 */
export function outcomeOf(status: number | undefined, hasData: boolean, errorCount: number, codes: readonly string[]): RequestOutcome {
  if (status === 401 || (!hasData && codes.includes('UNAUTHENTICATED'))) return 'unauthenticated';
  if (status === 403 || (!hasData && codes.includes('FORBIDDEN'))) return 'forbidden';
  if (errorCount === 0 && (status === undefined || status < 400)) return 'ok';
  if (hasData) return 'partial';
  return status !== undefined && status >= 400 && status < 500 ? 'rejected' : 'error';
}

/** A batch's outcome over its operations': `partial` when some got data but not all cleanly, `rejected` only when every one was. */
export function batchOutcomeOf(outcomes: readonly RequestOutcome[]): RequestOutcome {
  if (outcomes.every((outcome) => outcome === 'ok')) return 'ok';
  if (outcomes.some((outcome) => outcome === 'ok' || outcome === 'partial')) return 'partial';
  return outcomes.every((outcome) => outcome === 'rejected') ? 'rejected' : 'error';
}

function errorCodesOf(errors: readonly unknown[] | undefined): string[] {
  const codes = new Set<string>();
  for (const error of errors ?? []) {
    const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
    if (typeof code === 'string' && code !== '') codes.add(code.slice(0, MAX_TEXT));
  }
  return [...codes].sort();
}

/** The codes of a GraphQL error answer; undefined for any other body (a REST error, HTML, …). */
function errorCodesInBody(payload: string): string[] | undefined {
  try {
    const errors = (JSON.parse(payload) as { errors?: unknown }).errors;
    return Array.isArray(errors) ? errorCodesOf(errors) : undefined;
  } catch {
    return undefined;
  }
}

function clip(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value.slice(0, MAX_TEXT) : null;
}
