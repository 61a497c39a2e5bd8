import { HeaderMap, type ApolloServerPlugin, type BaseContext, type GraphQLRequest, type HTTPGraphQLHead, type HTTPGraphQLRequest } from '@apollo/server';
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { GraphQLError } from 'graphql';
import Negotiator from 'negotiator';
import { graphQLRequestOf, headerMapOf, preventCsrf, searchOf } from './graphql-request.js';
import { BadRequestError, ensureError, ensureGraphQLError, formatErrors, type ErrorFormatting } from './operation-errors.js';
import type { Admission } from './admission.js';
import type { RunOperation } from './operation-pipeline.js';
import { sentPersistedQueryHash } from '../persisted/manifest.js';
import { gatewayError } from '../errors.js';

/**
 * The `/graphql` route's HTTP layer: reads the request (GET, POST, batches), refuses cross-site
 * forgeries, builds the context, runs each operation through the operation pipeline
 * (`operation-pipeline.ts`) and writes the answer. It answers as `@as-integrations/fastify` with
 * Apollo Server's `executeHTTPGraphQLRequest` did (status, headers, bytes), which the differential
 * test checks on generated requests, without their per-request `URL`, WHATWG MIME parse and media
 * type negotiation for a client that sent no `accept`.
 */

const MEDIA_TYPES = {
  json: 'application/json; charset=utf-8',
  graphqlResponse: 'application/graphql-response+json; charset=utf-8',
  jsonCallback: 'application/json; callbackSpec=1.0; charset=utf-8',
};
const NEGOTIABLE = [MEDIA_TYPES.json, MEDIA_TYPES.graphqlResponse, MEDIA_TYPES.jsonCallback];

export interface GraphQLHandlerOptions<Context extends BaseContext> extends ErrorFormatting {
  runOperation: RunOperation<Context>;
  /** Told of refused requests and failed contexts (`invalidRequestWasReceived`, `contextCreationDidFail`). */
  plugins: readonly ApolloServerPlugin<Context>[];
  /** Builds the request's context; `arrival` is when the route got the request, before any wait for admission. */
  context(request: FastifyRequest, reply: FastifyReply, arrival: RequestArrival): Promise<Context>;
  /** Turns an answer (`{ errors, data, extensions }`) into text; the route's `onSend` writes it out. */
  stringify(value: unknown): string;
  /** Holds requests back while the gateway's CPU or its subgraphs are saturated (`admission.ts`); without it every request runs at once. */
  admission?: Admission;
  /**
   * `REQUEST_DEADLINE_MS`: a request still waiting for admission when this much time has passed
   * since its arrival is answered `GATEWAY_OVERLOADED` (503) without running: every fetch it made
   * would fail on the spot. Unset: requests wait as long as it takes.
   */
  requestDeadlineMs?: number;
  /**
   * Told of a request refused before any of its operations ran, so that no plugin saw it (the
   * request metrics count it here): answered `GATEWAY_OVERLOADED`, refused by CSRF prevention, or
   * not a GraphQL request (no query, a malformed batch). A refused token is told by `context`.
   */
  refusedBeforeOperation?(error: unknown, request: FastifyRequest, startedAt: number): void;
}

/** Whether any operation of a request was handed to `runOperation` (a batch's entries run concurrently). */
interface Progress {
  ran: boolean;
}

/** What a request that waited past its deadline is told: retry after this many seconds. */
const OVERLOADED_RETRY_AFTER_SECONDS = 1;

/** When the route got a request: the request deadline and duration count from it, time spent waiting for admission included. */
export interface RequestArrival {
  /** Epoch milliseconds (`Date.now()`). */
  at: number;
  /** `performance.now()` at the same moment, for durations. */
  startedAt: number;
}

interface Answer {
  status: number | undefined;
  headers: HeaderMap;
  body: string;
}

export function createGraphQLHandler<Context extends BaseContext>(options: GraphQLHandlerOptions<Context>): RouteHandlerMethod {
  const { plugins } = options;
  return async function handleGraphQL(request, reply) {
    const http: HTTPGraphQLRequest = { method: request.method.toUpperCase(), headers: headerMapOf(request.headers), search: searchOf(request.url), body: request.body };
    const arrival: RequestArrival = { at: Date.now(), startedAt: performance.now() };
    const single = readSingle(http);
    const answer = await admitted(admissionKey(single), request, http, arrival, () => answerFor(request, reply, http, arrival, single));
    for (const [name, value] of answer.headers) void reply.header(name, value);
    void reply.code(answer.status ?? 200);
    return answer.body;
  };

  /** Runs `answer` when admission lets it (at once unless the loop or the subgraphs are saturated and the operation's answers are large). */
  async function admitted(
    operation: string | undefined,
    request: FastifyRequest,
    http: HTTPGraphQLRequest,
    arrival: RequestArrival,
    answer: () => Promise<Answer>,
  ): Promise<Answer> {
    const admission = options.admission;
    if (!admission || operation === undefined) return answer();
    const waits = !admission.isLight(operation);
    if (waits) {
      const deadlineMs = options.requestDeadlineMs;
      const turn = admission.enter(deadlineMs === undefined ? undefined : arrival.startedAt + deadlineMs);
      if (turn && !(await turn)) return overloadedAnswer(request, http, arrival);
    }
    try {
      const startedAt = performance.now();
      const result = await answer();
      admission.record(operation, result.body.length, performance.now() - startedAt);
      return result;
    } finally {
      if (waits) admission.leave();
    }
  }

  async function answerFor(request: FastifyRequest, reply: FastifyReply, http: HTTPGraphQLRequest, arrival: RequestArrival, single: SingleRequest | undefined): Promise<Answer> {
    // Set once an operation is handed to `runOperation`: from then on the plugins count the request.
    const progress: Progress = { ran: false };
    try {
      preventCsrf(http.headers);
      let contextValue: Context;
      try {
        contextValue = await options.context(request, reply, arrival);
      } catch (caught) {
        const error = ensureError(caught);
        await notify(plugins, (plugin) => plugin.contextCreationDidFail?.({ error }));
        return errorAnswer(ensureGraphQLError(error, 'Context creation failed: '), http);
      }
      if (!single) return await runBatch(http, http.body as unknown[], contextValue, progress);
      const { head, body } = await runOne(http, requestOf(single), contextValue, progress);
      return { status: head.status, headers: head.headers, body };
    } catch (caught) {
      const error = ensureError(caught);
      if (error instanceof GraphQLError && error.extensions.code === 'BAD_REQUEST') {
        await notify(plugins, (plugin) => plugin.invalidRequestWasReceived?.({ error }));
      }
      if (!progress.ran) options.refusedBeforeOperation?.(error, request, arrival.startedAt);
      return errorAnswer(error, http);
    }
  }

  async function runOne(
    http: HTTPGraphQLRequest,
    graphqlRequest: GraphQLRequest,
    contextValue: Context,
    progress: Progress,
    sharedHead?: HTTPGraphQLHead,
  ): Promise<{ head: HTTPGraphQLHead; body: string }> {
    progress.ran = true;
    const response = await options.runOperation(graphqlRequest, contextValue, sharedHead);
    if (response.body.kind !== 'single') throw new Error('incremental delivery (@defer, @stream) is not supported');
    const head = response.http;
    if (!head.headers.get('content-type')) {
      const contentType = singleResultContentType(http.headers);
      if (contentType === null) {
        throw new BadRequestError(`An 'accept' header was provided for this request which does not accept ${MEDIA_TYPES.json} or ${MEDIA_TYPES.graphqlResponse}`, 406);
      }
      head.headers.set('content-type', contentType);
    }
    const { errors, data, extensions } = response.body.singleResult;
    return { head, body: options.stringify({ errors, data, extensions }) };
  }

  /**
   * Runs a batch's operations concurrently, each on its own copy of the context, sharing one
   * answer head as in Apollo Server: what a plugin sets on one (a header, the status) is the
   * batch's, the last write winning. One malformed entry refuses the whole batch, and every entry
   * is read before any runs, so a mutation after a malformed entry writes nothing (Apollo Server
   * starts the entries one by one and runs those after it while the batch is refused).
   */
  async function runBatch(http: HTTPGraphQLRequest, bodies: unknown[], contextValue: Context, progress: Progress): Promise<Answer> {
    if (bodies.length === 0) throw new BadRequestError('No operations found in request.');
    const requests = bodies.map((body) => graphQLRequestOf(http, body));
    const shared: HTTPGraphQLHead = { status: undefined, headers: new HeaderMap() };
    const answers = await Promise.all(requests.map((graphqlRequest) => runOne(http, graphqlRequest, contextValue, progress, shared)));
    return { status: shared.status, headers: shared.headers, body: `[${answers.map((answer) => answer.body).join(',')}]` };
  }

  /** Its deadline passed while it waited for admission: nothing ran, nothing was fetched. */
  function overloadedAnswer(request: FastifyRequest, http: HTTPGraphQLRequest, arrival: RequestArrival): Answer {
    const error = gatewayError('GATEWAY_OVERLOADED', `The gateway is saturated: the request waited ${options.requestDeadlineMs} ms (its deadline) for its turn and did not run`);
    options.refusedBeforeOperation?.(error, request, arrival.startedAt);
    const answer = errorAnswer(error, http);
    answer.headers.set('retry-after', String(OVERLOADED_RETRY_AFTER_SECONDS));
    return answer;
  }

  /** A refusal outside any operation: one formatted error, its `extensions.http` as the status and headers. */
  function errorAnswer(error: Error, http: HTTPGraphQLRequest): Answer {
    const head: HTTPGraphQLHead = { status: undefined, headers: new HeaderMap() };
    const [formatted] = formatErrors([error], options, head);
    head.headers.set('content-type', singleResultContentType(http.headers) ?? MEDIA_TYPES.json);
    return { status: head.status ?? 500, headers: head.headers, body: options.stringify({ errors: [formatted] }) };
  }
}

/**
 * A request that is not a batch, read once before admission: its operation, or why it is refused.
 * A refusal is thrown where it always was, once the context is built (`requestOf`).
 */
type SingleRequest = { request: GraphQLRequest } | { refused: unknown };

function readSingle(http: HTTPGraphQLRequest): SingleRequest | undefined {
  if (http.method === 'POST' && Array.isArray(http.body)) return undefined;
  try {
    return { request: graphQLRequestOf(http, http.body) };
  } catch (refused) {
    return { refused };
  }
}

function requestOf(single: SingleRequest): GraphQLRequest {
  if ('refused' in single) throw single.refused;
  return single.request;
}

/**
 * What identifies an operation for admission: its text, or a persisted query's hash; undefined for
 * a batch or a refused request (they are not held back).
 */
function admissionKey(single: SingleRequest | undefined): string | undefined {
  if (!single || 'refused' in single) return undefined;
  const { query, extensions } = single.request;
  if (query !== undefined) return query;
  const hash = sentPersistedQueryHash(extensions);
  return hash === undefined ? undefined : `sha256:${hash}`;
}

/**
 * The answer's media type: JSON when the client sends no `accept` (or only `application/json` or
 * any type), otherwise what `accept` prefers among the GraphQL-over-HTTP types, or null.
 */
export function singleResultContentType(headers: HeaderMap): string | null {
  const accept = headers.get('accept');
  if (!accept || accept === '*/*' || accept === 'application/json') return MEDIA_TYPES.json;
  return new Negotiator({ headers: { accept } }).mediaType(NEGOTIABLE) ?? null;
}

async function notify<Context extends BaseContext>(
  plugins: readonly ApolloServerPlugin<Context>[],
  hook: (plugin: ApolloServerPlugin<Context>) => Promise<void> | undefined,
): Promise<void> {
  try {
    await Promise.all(plugins.map(hook));
  } catch {
    // As in Apollo Server: a plugin failing to hear of a refusal does not change the answer.
  }
}
