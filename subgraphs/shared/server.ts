import { randomUUID } from 'node:crypto';
import { gracefulShutdown, readShutdownSettings } from '../../common/graceful-shutdown.js';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { GraphQLError, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { readCacheMaxAge, cacheHintPlugins } from './cache-hints.js';
import { readGatewayJwks } from './config.js';
import type { BaseContext, Principal } from './context.js';
import { isKnownSubgraphError, type ErrorOrigin } from './errors.js';
import { inputStringsPlugin } from './input-strings.js';
import { readMaxStringBytes } from '../../common/input-strings.js';
import { representationsCheckPlugin } from './representations-check.js';
import { graphqlClientErrorHandler, graphqlRouteErrorHandler, registerStrictJsonBodies } from '../../common/graphql-http-errors.js';
import { readDebugErrors, readInt } from '../../common/config.js';
import { knownOperationTypesRule } from '../../common/known-operation-types.js';
import { createInternalTokenVerifier, type GatewayJwksSource } from './internal-auth.js';
import { listenAndDescribe } from '../../common/listen.js';
import { registerCompression } from './compression.js';
import { createSubgraphMetrics } from './metrics.js';
import { registerSubgraphRequestSpans } from './tracing.js';
import { errorText, processLogger, requestLineLogger } from '../../common/logger.js';
import { graphqlRequestLogPlugin, registerRequestLog, requestIdHeader } from '../../common/request-log.js';

export interface SubgraphServerOptions<C extends BaseContext> {
  /** Subgraph name as in schema/supergraph.yaml, e.g. `crm`. */
  name: string;
  /** The system and subgraph its errors name. @default both `name` */
  origin?: ErrorOrigin;
  typeDefs: DocumentNode;
  resolvers: unknown;
  production: boolean;
  /** Builds the per-request context (loaders, clients) from the base context. */
  createContext(base: BaseContext): C | Promise<C>;
  /** Throws when the backing system is unreachable; drives `/readyz`. */
  checkReady?(): Promise<void>;
  /** Counters shown at `/debug/counters` outside production (statement counts, …). */
  debugCounters?(): Record<string, number>;
  resetDebugCounters?(): void;
  /** Releases the subgraph's own resources (database, HTTP pools) after the server closes. */
  onClose?(): Promise<void>;
  plugins?: ApolloServerPlugin<C>[];
  /** The gateway's internal-token key (`config.gatewayJwks`). @default read from process.env */
  gatewayJwks?: GatewayJwksSource;
  /**
   * `max-age` (seconds) of the cache hint sent with every query answer (see `cache-hints.ts`); 0 = never cacheable.
   * @default `CACHE_MAX_AGE_SECONDS` from process.env, else this subgraph's entry in `DEFAULT_CACHE_MAX_AGE_SECONDS`
   */
  cacheMaxAgeSeconds?: number;
}

export interface SubgraphServer {
  app: FastifyInstance;
  /** Listens and resolves with the base URL (`http://host:port`). */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Masks errors that are not in the registry outside development, so internal messages
 * (SQL, stack traces, upstream bodies) never reach a client. The log keeps the detail.
 */
function formatErrorFor(name: string, production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const graphQLValidation = typeof formatted.extensions?.code === 'string' && !formatted.extensions.code.startsWith('INTERNAL');
    if (isKnownSubgraphError(original) || isKnownSubgraphError(error) || graphQLValidation) return formatted;
    processLogger(`${name}-subgraph`).error({ subgraph: name, error: errorText(original) }, 'unexpected error');
    if (!production) return formatted;
    return { message: 'Internal error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR', subgraph: name } };
  };
}

export async function createSubgraphServer<C extends BaseContext>(options: SubgraphServerOptions<C>): Promise<SubgraphServer> {
  const app = Fastify({ logger: false, bodyLimit: 2 * 1024 * 1024, clientErrorHandler: graphqlClientErrorHandler });
  // First app-wide hook: answers sent while draining close their connections.
  const shutdown = gracefulShutdown(app, readShutdownSettings(process.env));
  registerStrictJsonBodies(app);
  const origin = options.origin ?? { system: options.name, subgraph: options.name };
  // First hook: everything after it (token check, Apollo, system calls) runs inside the request's span.
  registerSubgraphRequestSpans(app, options.name);
  // After the spans: one log line per request, with its trace id and the gateway's request id.
  const requestLog = registerRequestLog(app, { logger: requestLineLogger(`${options.name}-subgraph`), requestId: (request) => requestIdHeader(request) ?? request.id });
  registerCompression(app);
  // Read before anything starts: a bad CACHE_MAX_AGE_SECONDS stops the subgraph naming it.
  const cacheMaxAge = options.cacheMaxAgeSeconds ?? readCacheMaxAge(process.env, options.name);
  const metrics = createSubgraphMetrics<C>({ name: options.name, debugCounters: options.debugCounters });
  const apollo = new ApolloServer<C>({
    schema: buildSubgraphSchema({ typeDefs: options.typeDefs, resolvers: options.resolvers as GraphQLResolverMap<unknown> }),
    // Inline traces are for Apollo's hosted usage reporting, which bizgraph does not use.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      fastifyApolloDrainPlugin(app),
      ...cacheHintPlugins<C>(cacheMaxAge),
      inputStringsPlugin<C>(origin, readMaxStringBytes(process.env)),
      representationsCheckPlugin<C>(origin),
      ...(options.plugins ?? []),
      metrics.plugin,
      graphqlRequestLogPlugin<C>(),
    ],
    includeStacktraceInErrorResponses: readDebugErrors(process.env, options.production),
    // Only the gateway calls a subgraph, always with the plan's text: a persisted-query store would only be memory a caller could fill.
    persistedQueries: false,
    validationRules: [knownOperationTypesRule],
    // runService owns SIGINT/SIGTERM; a second handler inside Apollo would race it.
    stopOnTerminationSignals: false,
    formatError: formatErrorFor(options.name, options.production),
  });
  await apollo.start();

  // Only the gateway may call /graphql: its internal token is checked before Apollo sees the request.
  const verifier = createInternalTokenVerifier(options.name, options.gatewayJwks ?? readGatewayJwks(process.env));
  const principals = new WeakMap<FastifyRequest, Principal | null>();
  const requireInternalToken = async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await verifier.verify(request.headers.authorization);
    if (result.ok) return void principals.set(request, result.principal);
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer error="invalid_token"')
      .send({ errors: [{ message: `Unauthenticated: ${result.reason}`, extensions: { code: 'UNAUTHENTICATED' } }] });
  };
  const context = async (request: FastifyRequest): Promise<C> => {
    const header = request.headers['x-request-id'];
    const requestId = typeof header === 'string' && header.length <= 128 ? header : randomUUID();
    const built = await options.createContext({ requestId, principal: principals.get(request) ?? null });
    requestLog.attach(built, request);
    return built;
  };
  const errorHandler = graphqlRouteErrorHandler((error) =>
    processLogger(`${options.name}-subgraph`).error({ subgraph: options.name, error: errorText(error) }, 'request failed before GraphQL'),
  );
  app.route({ url: '/graphql', method: ['GET', 'POST', 'OPTIONS'], onRequest: requireInternalToken, handler: fastifyApolloHandler(apollo, { context }), errorHandler });
  app.get('/healthz', async () => ({ status: 'ok', subgraph: options.name }));
  metrics.registerRoutes(app);
  // Ready means the system answers too, within its own time: a frozen system must not leave the
  // gateway's probe hanging until its own timeout says nothing about which part is stuck.
  const readyCheckTimeoutMs = readInt(process.env, 'READY_CHECK_TIMEOUT_MS', 800, { min: 10, max: 60_000 });
  app.get('/readyz', async (_request, reply) => {
    if (shutdown.draining) return reply.code(503).send({ status: 'unavailable', subgraph: options.name, reason: 'shutting down' });
    try {
      if (options.checkReady) await withTimeout(options.checkReady(), readyCheckTimeoutMs, `${origin.system} did not answer within ${readyCheckTimeoutMs} ms`);
      return { status: 'ready', subgraph: options.name };
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', subgraph: options.name, reason: (error as Error).message });
    }
  });
  if (!options.production) {
    app.get('/debug/counters', async () => options.debugCounters?.() ?? {});
    app.post('/debug/counters/reset', async () => {
      options.resetDebugCounters?.();
      return { reset: true };
    });
  }

  return {
    app,
    listen: (port, host) => listenAndDescribe(app, port, host),
    async close() {
      const { forced } = await shutdown.drain();
      if (forced) processLogger(`${options.name}-subgraph`).warn({ subgraph: options.name }, 'shutdown cut connections still answering after SHUTDOWN_GRACE_MS');
      await options.onClose?.();
    },
  };
}

/** `work`, or a rejection with `message` once `ms` have passed (the work itself is left to finish or fail). */
function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
