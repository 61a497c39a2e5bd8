import { HeaderMap, type ApolloServer, type ApolloServerPlugin, type GraphQLResponse, type HTTPGraphQLHead, type HTTPGraphQLRequest } from '@apollo/server';
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import Negotiator from 'negotiator';
import { badRequest, graphQLRequestOf, headerMapOf, preventCsrf, searchOf } from './graphql-request.js';

/**
 * The `/graphql` route's HTTP layer: reads the request (GET, POST, batches), refuses cross-site
 * forgeries, builds the context, runs each operation through Apollo Server's operation pipeline
 * (`executeOperation`: plugins, persisted queries, parsing and validation caches, the gateway's
 * executor) and writes the answer. It replaces `@as-integrations/fastify` and Apollo Server's own
 * HTTP handling (`executeHTTPGraphQLRequest`), which per request copied every header into a
 * `HeaderMap`, parsed a `URL`, parsed the content type with a WHATWG MIME parser and negotiated
 * the answer's media type even when the client sent no `accept`; answers are the same
 * (status, headers, bytes), as the differential test checks on generated requests.
 */

const MEDIA_TYPES = {
  json: 'application/json; charset=utf-8',
  graphqlResponse: 'application/graphql-response+json; charset=utf-8',
  jsonCallback: 'application/json; callbackSpec=1.0; charset=utf-8',
};
const NEGOTIABLE = [MEDIA_TYPES.json, MEDIA_TYPES.graphqlResponse, MEDIA_TYPES.jsonCallback];

export interface GraphQLHandlerOptions<Context extends object> {
  apollo: ApolloServer<Context>;
  /** Created with `createBatchHeads()`, whose plugin Apollo Server runs first. */
  batchHeads: BatchHeads;
  /** The same plugins Apollo Server was given: told of refused requests and failed contexts, as Apollo Server tells them. */
  plugins: readonly ApolloServerPlugin<Context>[];
  context(request: FastifyRequest, reply: FastifyReply): Promise<Context>;
  /** Apollo Server's `formatError` and `includeStacktraceInErrorResponses`, for refusals outside an operation. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  includeStacktrace: boolean;
  /** Turns an answer (`{ errors, data, extensions }`) into text; the route's `onSend` writes it out. */
  stringify(value: unknown): string;
}

interface Answer {
  status: number | undefined;
  headers: HeaderMap;
  body: string;
}

export function createGraphQLHandler<Context extends object>(options: GraphQLHandlerOptions<Context>): RouteHandlerMethod {
  const { apollo, plugins } = options;
  return async function handleGraphQL(request, reply) {
    const http: HTTPGraphQLRequest = { method: request.method.toUpperCase(), headers: headerMapOf(request.headers), search: searchOf(request.url), body: request.body };
    const answer = await answerFor(request, reply, http);
    for (const [name, value] of answer.headers) void reply.header(name, value);
    void reply.code(answer.status ?? 200);
    return answer.body;
  };

  async function answerFor(request: FastifyRequest, reply: FastifyReply, http: HTTPGraphQLRequest): Promise<Answer> {
    try {
      preventCsrf(http.headers);
      let contextValue: Context;
      try {
        contextValue = await options.context(request, reply);
      } catch (caught) {
        const error = ensureError(caught);
        await notify(plugins, (plugin) => plugin.contextCreationDidFail?.({ error }));
        return errorAnswer(ensureGraphQLError(error, 'Context creation failed: '), http);
      }
      if (http.method === 'POST' && Array.isArray(http.body)) return await runBatch(http, http.body as unknown[], contextValue);
      const { head, body } = await runOne(http, http.body, contextValue);
      return { status: head.status, headers: head.headers, body };
    } catch (caught) {
      const error = ensureError(caught);
      if (error instanceof GraphQLError && error.extensions.code === 'BAD_REQUEST') {
        await notify(plugins, (plugin) => plugin.invalidRequestWasReceived?.({ error }));
      }
      return errorAnswer(error, http);
    }
  }

  async function runOne(http: HTTPGraphQLRequest, body: unknown, contextValue: Context): Promise<{ head: HTTPGraphQLHead; body: string }> {
    const response: GraphQLResponse = await apollo.executeOperation(graphQLRequestOf(http, body), { contextValue });
    if (response.body.kind !== 'single') throw new Error('incremental delivery (@defer, @stream) is not supported');
    const head = response.http;
    if (!head.headers.get('content-type')) {
      const contentType = singleResultContentType(http.headers);
      if (contentType === null) {
        throw badRequest(`An 'accept' header was provided for this request which does not accept ${MEDIA_TYPES.json} or ${MEDIA_TYPES.graphqlResponse}`, 406);
      }
      head.headers.set('content-type', contentType);
    }
    const { errors, data, extensions } = response.body.singleResult;
    return { head, body: options.stringify({ errors, data, extensions }) };
  }

  /**
   * Runs a batch's operations concurrently, each on its own copy of the context; one malformed
   * entry refuses the whole batch. They share one head (see `createBatchHeads`).
   */
  async function runBatch(http: HTTPGraphQLRequest, bodies: unknown[], contextValue: Context): Promise<Answer> {
    if (bodies.length === 0) throw badRequest('No operations found in request.');
    const shared: HTTPGraphQLHead = { status: undefined, headers: new HeaderMap() };
    options.batchHeads.heads.set(http, shared);
    const answers = await Promise.all(bodies.map((body) => runOne(http, body, contextValue)));
    return { status: shared.status, headers: shared.headers, body: `[${answers.map((answer) => answer.body).join(',')}]` };
  }

  /** Apollo Server's `errorResponse`: one formatted error, its `extensions.http` as the status and headers. */
  function errorAnswer(error: Error, http: HTTPGraphQLRequest): Answer {
    const head: HTTPGraphQLHead = { status: undefined, headers: new HeaderMap() };
    const formatted = formatOne(error, head);
    head.headers.set('content-type', singleResultContentType(http.headers) ?? MEDIA_TYPES.json);
    return { status: head.status ?? 500, headers: head.headers, body: options.stringify({ errors: [formatted] }) };
  }

  function formatOne(error: Error, head: HTTPGraphQLHead): GraphQLFormattedError {
    try {
      return options.formatError(enrich(error, head), error);
    } catch (formattingError) {
      if (options.includeStacktrace) return enrich(ensureError(formattingError), head);
      return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
  }

  function enrich(maybeError: Error, head: HTTPGraphQLHead): GraphQLFormattedError {
    const error = ensureGraphQLError(maybeError);
    const extensions: Record<string, unknown> = { ...error.extensions, code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR' };
    if (isPartialHead(extensions.http)) {
      mergeHead(head, { headers: new HeaderMap(), ...extensions.http });
      delete extensions.http;
    }
    if (options.includeStacktrace) extensions.stacktrace = error.stack?.split('\n');
    return { ...error.toJSON(), extensions };
  }
}

export interface BatchHeads {
  /** Goes first in Apollo Server's plugin list. */
  plugin: ApolloServerPlugin;
  heads: WeakMap<HTTPGraphQLRequest, HTTPGraphQLHead>;
}

/**
 * The operations of a batch share one response head, as in Apollo Server's own batching: what a
 * plugin sets on one (a header, the status) is the batch answer's, the last write winning, and
 * each operation's plugins see what the others wrote. `executeOperation` gives every operation a
 * head of its own, so this plugin swaps in the batch's head when the operation starts.
 */
export function createBatchHeads(): BatchHeads {
  const heads = new WeakMap<HTTPGraphQLRequest, HTTPGraphQLHead>();
  return {
    heads,
    plugin: {
      async requestDidStart(requestContext) {
        const shared = requestContext.request.http && heads.get(requestContext.request.http);
        if (!shared) return;
        requestContext.response.http = shared;
        (requestContext as { requestIsBatched: boolean }).requestIsBatched = true;
      },
    },
  };
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

function mergeHead(target: HTTPGraphQLHead, source: Partial<HTTPGraphQLHead>): void {
  if (source.status) target.status = source.status;
  if (source.headers) for (const [name, value] of source.headers) target.headers.set(name, value);
}

function isPartialHead(value: unknown): value is Partial<HTTPGraphQLHead> {
  if (!value || typeof value !== 'object') return false;
  const head = value as Record<string, unknown>;
  return (!('status' in head) || typeof head.status === 'number') && (!('headers' in head) || head.headers instanceof Map);
}

async function notify<Context extends object>(
  plugins: readonly ApolloServerPlugin<Context>[],
  hook: (plugin: ApolloServerPlugin<Context>) => Promise<void> | undefined,
): Promise<void> {
  try {
    await Promise.all(plugins.map(hook));
  } catch {
    // As in Apollo Server: a plugin failing to hear of a refusal does not change the answer.
  }
}

function ensureError(maybeError: unknown): Error {
  return maybeError instanceof Error ? maybeError : new GraphQLError(`Unexpected error value: ${String(maybeError)}`);
}

function ensureGraphQLError(maybeError: unknown, prefix = ''): GraphQLError {
  const error = ensureError(maybeError);
  return error instanceof GraphQLError ? error : new GraphQLError(prefix + error.message, { originalError: error });
}
