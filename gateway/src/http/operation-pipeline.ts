import type {
  ApolloServer,
  ApolloServerPlugin,
  BaseContext,
  GraphQLRequest,
  GraphQLRequestContext,
  GraphQLRequestListener,
  GraphQLResponse,
  HTTPGraphQLHead,
} from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { GatewayExecutor } from '@apollo/server-gateway-interface';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { getOperationAST, GraphQLError, Kind, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ParseOptions, type ValidationRule } from 'graphql';
import { operationLimitError } from '../errors.js';
import { documentCachesBySchema, queryHasher } from './document-cache.js';
import { gatewayRequestContext, newCachePolicy } from './gateway-request-context.js';
import {
  BadRequestError,
  badUserInput,
  ensureError,
  ensureGraphQLError,
  formatErrors,
  mergeHead,
  operationResolutionFailure,
  parseFailure,
  persistedQueryNotFound,
  persistedQueryHashMismatch,
  persistedQueryNotSupported,
  validationFailure,
  type ErrorFormatting,
} from './operation-errors.js';

/**
 * One GraphQL operation, from its source to its answer: persisted queries, the parse and validation
 * cache, operation resolution, the plugins' hooks, the policy-enforcing executor of the supergraph
 * version, error formatting. It does what Apollo Server's request pipeline does for a gateway (the
 * same hooks in the same order, the same refusals and statuses, as the differential test shows),
 * without what a gateway does not use: a negotiation of `@defer` formats, a dispatch to every plugin
 * for hooks it lacks, a SHA-256 of the same text on every request.
 */

export interface OperationPipelineOptions<Context extends BaseContext> extends ErrorFormatting {
  plugins: readonly ApolloServerPlugin<Context>[];
  /** The schema and executor new requests run on (the active supergraph version). */
  current(): { schema: GraphQLSchema; executor: GatewayExecutor };
  persistedQueries: false | { cache: KeyValueCache<string>; ttl?: number | null };
  validationRules: readonly ValidationRule[];
  parseOptions: ParseOptions | undefined;
  logger: ApolloServer<Context>['logger'];
  cache: ApolloServer<Context>['cache'];
  /** UTF-8 bytes an operation's text may have (comments included); checked before it is hashed, parsed or stored. */
  maxQueryBytes?: number;
  /** Whether this caller may register an automatic persisted query (its text is stored for everyone). @default always */
  mayRegisterPersistedQuery?(contextValue: Context): boolean;
}

export type RunOperation<Context extends BaseContext> = (request: GraphQLRequest, contextValue: Context, sharedHead?: HTTPGraphQLHead) => Promise<GraphQLResponse>;

/** Apollo Server's key prefix for persisted queries in their cache (kept: a shared Redis may hold them). */
const APQ_PREFIX = 'apq:';

type Listener<Context extends BaseContext> = GraphQLRequestListener<Context>;
type Mutable<Context extends BaseContext> = { -readonly [K in keyof GraphQLRequestContext<Context>]: GraphQLRequestContext<Context>[K] };

export function createOperationPipeline<Context extends BaseContext>(options: OperationPipelineOptions<Context>): RunOperation<Context> {
  const starters = options.plugins.filter((plugin) => plugin.requestDidStart);
  const rules = [...specifiedRules, ...options.validationRules];
  const documentsOf = documentCachesBySchema();
  const hashOf = queryHasher();

  return async function runOperation(request, contextValue, sharedHead) {
    const { schema, executor } = options.current();
    const requestContext: Mutable<Context> = {
      logger: options.logger,
      cache: options.cache,
      schema,
      request,
      response: { http: sharedHead ?? { status: undefined, headers: new HeaderMap() } },
      contextValue: Object.assign(Object.create(Object.getPrototypeOf(contextValue) as object) as Context, contextValue),
      metrics: {},
      overallCachePolicy: newCachePolicy(),
      requestIsBatched: sharedHead !== undefined,
    };
    const context = requestContext as GraphQLRequestContext<Context>;
    const respond = async (): Promise<GraphQLResponse> => {
      const listeners = (await Promise.all(starters.map((plugin) => plugin.requestDidStart!(context)))).filter((listener): listener is Listener<Context> => listener !== undefined);
      const each = <K extends keyof Listener<Context>>(hook: K) => listeners.filter((listener) => listener[hook]);
      // The listeners' `hook`, all at once; no array or promise is made when none has it.
      type Notification = 'didResolveSource' | 'didResolveOperation' | 'didEncounterErrors' | 'willSendResponse';
      const fire = (hook: Notification): Promise<unknown> | undefined => {
        let pending: Promise<unknown>[] | undefined;
        for (const listener of listeners) {
          const notify = listener[hook] as ((requestContext: never) => Promise<void>) | undefined;
          if (notify) (pending ??= []).push(notify.call(listener, context as never));
        }
        return pending && Promise.all(pending);
      };

      const sendErrors = async (errors: readonly GraphQLError[]): Promise<GraphQLResponse> => {
        requestContext.errors = errors;
        await fire('didEncounterErrors');
        const formatted = formatErrors(errors, options, requestContext.response.http);
        requestContext.response.body = { kind: 'single', singleResult: { errors: formatted } };
        if (!requestContext.response.http.status) requestContext.response.http.status = 500;
        await fire('willSendResponse');
        return requestContext.response as GraphQLResponse;
      };

      let { query } = request;
      const persisted = (request.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: string } } | undefined)?.persistedQuery;
      let queryHash: string;
      let register = false;
      requestContext.metrics.persistedQueryHit = false;
      requestContext.metrics.persistedQueryRegister = false;
      if (persisted) {
        if (!options.persistedQueries) return sendErrors([persistedQueryNotSupported()]);
        // Apollo Server codes this 400 INTERNAL_SERVER_ERROR (masked in production): it is the client's mistake.
        if (persisted.version !== 1) return sendErrors([new BadRequestError('Unsupported persisted query version')]);
        queryHash = persisted.sha256Hash as string;
        if (query === undefined) {
          query = await options.persistedQueries.cache.get(APQ_PREFIX + queryHash);
          if (!query) return sendErrors([persistedQueryNotFound()]);
          requestContext.metrics.persistedQueryHit = true;
        } else {
          const tooLong = queryTooLong(query, options.maxQueryBytes);
          if (tooLong) return sendErrors([tooLong]);
          // Apollo Server answers this 400 with INTERNAL_SERVER_ERROR (masked in production): the client's mistake gets its own code.
          if (queryHash !== hashOf(query)) return sendErrors([persistedQueryHashMismatch()]);
          register = options.mayRegisterPersistedQuery?.(contextValue) ?? true;
          requestContext.metrics.persistedQueryRegister = register;
        }
      } else if (query) {
        const tooLong = queryTooLong(query, options.maxQueryBytes);
        if (tooLong) return sendErrors([tooLong]);
        queryHash = hashOf(query);
      } else {
        return sendErrors([new BadRequestError('GraphQL operations must contain a non-empty `query` or a `persistedQuery` extension.')]);
      }
      requestContext.queryHash = queryHash;
      requestContext.source = query;
      await fire('didResolveSource');

      const cached = documentsOf(schema);
      let document = cached.get(queryHash);
      if (!document) {
        const parsingDidEnd = await endHooks(each('parsingDidStart').map((listener) => listener.parsingDidStart!(context as never)));
        try {
          document = parse(query, options.parseOptions);
        } catch (caught) {
          const error = ensureError(caught);
          await parsingDidEnd(error);
          return sendErrors([parseFailure(ensureGraphQLError(error))]);
        }
        await parsingDidEnd();
        requestContext.document = document;
        const validationDidEnd = await endHooks(each('validationDidStart').map((listener) => listener.validationDidStart!(context as never)));
        const validationErrors = validate(schema, document, rules);
        if (validationErrors.length > 0) {
          await validationDidEnd(validationErrors);
          return sendErrors(validationErrors.map(validationFailure));
        }
        await validationDidEnd();
        cached.set(queryHash, document, query.length);
      }
      requestContext.document = document;

      const operation = getOperationAST(document, request.operationName);
      requestContext.operation = operation ?? undefined;
      requestContext.operationName = operation?.name?.value || null;
      if (request.http?.method === 'GET' && operation?.operation && operation.operation !== 'query') {
        return sendErrors([new BadRequestError(`GET requests only support query operations, not ${operation.operation} operations`, 405, new HeaderMap([['allow', 'POST']]))]);
      }
      try {
        await fire('didResolveOperation');
      } catch (caught) {
        return sendErrors([ensureGraphQLError(caught)]);
      }
      if (register && options.persistedQueries) {
        const { cache, ttl } = options.persistedQueries;
        Promise.resolve(cache.set(APQ_PREFIX + queryHash, query, ttl !== undefined ? { ttl } : undefined)).catch((error: unknown) => options.logger.warn(String(error)));
      }
      // No operation to run (an unknown name, or several operations and no name): refused here, with
      // graphql-js's words, as Apollo Server refuses it (the valid text registered all the same) once a gateway's executor has failed on it.
      if (!operation) return sendErrors([operationResolutionFailure(new GraphQLError(unresolvedOperationMessage(document, request.operationName)))]);

      let fromPlugin: GraphQLResponse | null = null;
      for (const listener of each('responseForOperation')) {
        fromPlugin = (await listener.responseForOperation!(context as never)) ?? null;
        if (fromPlugin !== null) break;
      }
      if (fromPlugin !== null) {
        requestContext.response.body = fromPlugin.body;
        mergeHead(requestContext.response.http, fromPlugin.http);
      } else {
        const starting = each('executionDidStart');
        const executionListeners = (starting.length === 0 ? [] : await Promise.all(starting.map((listener) => listener.executionDidStart!(context as never)))).filter(
          (listener) => listener !== undefined,
        );
        try {
          const result = await executor(gatewayRequestContext(context, options.includeStacktrace));
          const resultErrors = result.errors?.map((error) =>
            isBadUserInput(error as GraphQLError) && error.extensions?.code == null ? badUserInput(error as GraphQLError) : (error as GraphQLError),
          );
          let formattedErrors;
          if (resultErrors) {
            requestContext.errors = resultErrors;
            await fire('didEncounterErrors');
            const httpFromErrors: HTTPGraphQLHead = { status: undefined, headers: new HeaderMap() };
            formattedErrors = formatErrors(resultErrors, options, httpFromErrors);
            // Variables that could not be coerced (no data at all): the request was bad (Apollo Server 5's default).
            if (resultErrors.length > 0 && result.data === undefined && !httpFromErrors.status) httpFromErrors.status = 400;
            mergeHead(requestContext.response.http, httpFromErrors);
          }
          requestContext.response.body = { kind: 'single', singleResult: { ...result, errors: formattedErrors } };
        } catch (caught) {
          const executionError = ensureError(caught);
          await Promise.all(executionListeners.map((listener) => listener.executionDidEnd?.(executionError)));
          return sendErrors([ensureGraphQLError(executionError)]);
        }
        if (executionListeners.length > 0) await Promise.all(executionListeners.map((listener) => listener.executionDidEnd?.()));
      }
      await fire('willSendResponse');
      return requestContext.response as GraphQLResponse;
    };
    try {
      return await respond();
    } catch (caught) {
      // A bug in a plugin or in the pipeline: told to the plugins and logged; the client gets a 500 without detail.
      const error = ensureError(caught);
      await Promise.all(options.plugins.map((plugin) => plugin.unexpectedErrorProcessingRequest?.({ requestContext: context, error })));
      options.logger.error(`Unexpected error processing request: ${String(error)}`);
      throw new Error('Internal server error');
    }
  };
}

/** `OPERATION_LIMIT_EXCEEDED` (queryBytes) for a text over the limit; a UTF-16 length at most a third of it needs no count. */
function queryTooLong(query: string, maxBytes: number | undefined): GraphQLError | undefined {
  if (maxBytes === undefined || query.length * 3 <= maxBytes) return undefined;
  const bytes = Buffer.byteLength(query, 'utf8');
  return bytes > maxBytes ? operationLimitError('queryBytes', maxBytes, bytes) : undefined;
}

/** graphql-js's message (`buildExecutionContext`) for a document and name that select no operation. */
function unresolvedOperationMessage(document: DocumentNode, operationName: string | null | undefined): string {
  if (operationName != null) return `Unknown operation named "${operationName}".`;
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length;
  return operations > 1 ? 'Must provide operation name if query contains multiple operations.' : 'Must provide an operation.';
}

/** Runs the start hooks, and returns what calls their end hooks (latest first), as Apollo Server does. */
async function endHooks<Argument>(started: readonly Promise<((argument?: Argument) => Promise<void> | void) | void>[]): Promise<(argument?: Argument) => Promise<void>> {
  const ends = (await Promise.all(started)).filter((end) => typeof end === 'function');
  ends.reverse();
  return async (argument?: Argument) => {
    for (const end of ends) void end(argument);
  };
}

/** A variable value graphql-js could not coerce: Apollo Server answers it as `BAD_USER_INPUT`. */
function isBadUserInput(error: GraphQLError): boolean {
  const node = error.nodes?.length === 1 ? error.nodes[0] : undefined;
  if (node?.kind !== Kind.VARIABLE_DEFINITION) return false;
  const variable = `Variable "$${node.variable.name.value}"`;
  return [' has invalid value', ' got invalid value ', ' of required type ', ' of non-null type '].some((tail) => error.message.startsWith(variable + tail));
}

/**
 * The plugins a started Apollo Server runs: those it was given and those it installs itself (cache
 * control, and usage reporting when `APOLLO_KEY` is set). Read from Apollo Server 5's internals
 * (the version is pinned; an upgrade that moves them fails here, at start, and in the differential test).
 */
export function installedPlugins<Context extends BaseContext>(apollo: ApolloServer<Context>): readonly ApolloServerPlugin<Context>[] {
  const plugins = (apollo as unknown as { internals?: { plugins?: unknown } }).internals?.plugins;
  if (!Array.isArray(plugins)) throw new Error("cannot read Apollo Server's installed plugins: was @apollo/server upgraded?");
  return plugins as ApolloServerPlugin<Context>[];
}
