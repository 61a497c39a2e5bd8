import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ConfigError } from '../../common/config.js';
import { gracefulShutdown } from '../../common/graceful-shutdown.js';
import { listenAndDescribe } from '../../common/listen.js';
import { subgraphEnvName, type GatewayConfig } from './config.js';
import type { GatewayContext, GatewayPrincipal } from './context.js';
import { longestTimeoutMs, policyFor } from './datasource/resilience-config.js';
import type { SubgraphObserver } from './datasource/observer.js';
import { SubgraphDataSource } from './datasource/subgraph-data-source.js';
import { createUndiciFetcher } from './datasource/undici-fetcher.js';
import { encodeAnswer, stringifyAnswer } from './answer-bytes.js';
import { createFormatError } from './errors.js';
import { composeFeatures } from './feature.js';
import { createFetchStats } from './console/fetch-stats.js';
import { registerOperatorPages } from './console/pages.js';
import { fetchTraceFeature } from './features/fetch-trace/index.js';
import { createHealth } from './health.js';
import { createAdmission } from './http/admission.js';
import { createGraphQLHandler, type RequestArrival } from './http/graphql-handler.js';
import { createOperationPipeline, installedPlugins } from './http/operation-pipeline.js';
import { loadSupergraph, type SubgraphEndpoint } from './supergraph.js';
import { createVersionFactory, prepareCandidate } from './reload/version.js';
import { createPendingReferences } from './references/pending-feature.js';
import { WRITE_REFERENCES } from '../../common/contracts/references.js';
import { createSupergraphVersions } from './reload/versions.js';
import { pollSupergraph, type SupergraphPolling } from './reload/poll.js';
import { createGatewayAuth } from './auth/gateway-auth.js';
import { createAudit } from './features/audit/index.js';
import { batchCapFeature } from './features/batch-cap/index.js';
import { errorLogFeature } from './features/error-log/index.js';
import { freshnessFeature } from './features/freshness/index.js';
import { introspectionFeature } from './features/introspection/index.js';
import { graphqlClientErrorHandler, graphqlRouteErrorHandler, registerStrictJsonBodies } from '../../common/graphql-http-errors.js';
import { registerCors } from './http/cors.js';
import { log } from './log.js';
import { createOperationLimits } from './features/limits/index.js';
import { createGatewayMetrics } from './features/metrics/index.js';
import { createPersistedOperations } from './features/persisted/index.js';
import { requestIdEchoFeature, requestIdFor } from './features/request-id/index.js';
import { requestLogFeature } from './features/request-log/index.js';
import { createResponseCache } from './features/response-cache/index.js';
import { requestSpansFeature, traceIdFeature } from './features/tracing/index.js';
import { createUsageLog } from './features/usage/index.js';

export interface Gateway {
  app: FastifyInstance;
  /** Listens and resolves with the base URL (`http://host:port`). */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Builds the gateway on any Federation 2 supergraph without listening: loads the supergraph,
 * creates one data source per subgraph (the only way to reach them), and serves `/graphql`,
 * `/healthz` and `/readyz`. Subgraphs are not contacted at start, so a dead one does not stop it.
 */
export async function createGateway(config: GatewayConfig): Promise<Gateway> {
  const initial = prepareCandidate(await loadSupergraph(config), config);
  const auth = await createGatewayAuth(config.auth);
  const fetcher = createUndiciFetcher({
    connections: config.subgraphConnections,
    headersTimeoutMs: longestTimeoutMs(config.resilience),
    bodyTimeoutMs: longestTimeoutMs(config.resilience),
    compression: config.subgraphCompression,
  });
  // Readiness probes get their own connection per subgraph: behind busy client requests they would
  // wait for a pooled one and report a serving subgraph down.
  const probeFetcher = createUndiciFetcher({ connections: 1, headersTimeoutMs: 60_000, bodyTimeoutMs: 60_000, compression: false });
  // Filled from the features below before the gateway serves; every data source reads this one list.
  const observers: SubgraphObserver[] = [];
  // Per-subgraph timeout, retries, breaker and bulkhead; every request shares one deadline.
  const resilienceOf = (name: string) => ({ policy: policyFor(config.resilience, subgraphEnvName(name)), requestDeadlineMs: config.resilience.requestDeadlineMs });
  const createDataSource = (subgraph: SubgraphEndpoint) =>
    new SubgraphDataSource({
      ...subgraph,
      subgraph: subgraph.name,
      ...resilienceOf(subgraph.name),
      fetch: fetcher.fetch,
      probeFetch: probeFetcher.fetch,
      internalTokens: auth.internalTokens,
      observers,
    });
  // References written while their owner was down (`accept-pending`), re-checked on a timer.
  const pendingReferences = createPendingReferences({
    file: join(config.auth.dataDir, 'pending-references.json'),
    intervalMs: config.referenceRecheckIntervalMs,
    references: WRITE_REFERENCES,
    // Read only once the gateway serves (the timer starts last), when `versions` exists.
    dataSources: () => versions.active().dataSources,
    authenticator: auth.authenticator,
  });
  // Each supergraph version (policy, planner, data sources) is built and swapped as one (see reload/).
  const factory = createVersionFactory({ config, createDataSource, pendingReferences: pendingReferences.store });
  const versions = createSupergraphVersions(initial, factory);
  let polling: SupergraphPolling | undefined;

  const responseCache = createResponseCache(config.responseCache, { supergraphHash: (request) => versions.versionOf(request.schema).hash, production: config.production });
  const reloads = () => ({ applied: polling?.status.applied ?? 0, refused: polling?.status.refusals ?? 0 });
  const supergraphSource = { activeVersion: () => versions.active().hash, reloads };
  // The gateway's features, in the order their hooks and plugins run; closed in reverse order.
  const requestTraces = requestSpansFeature(config.traceExport);
  const features = composeFeatures([
    requestTraces, // first: every later hook and plugin, and every subgraph fetch, finds the request's trace in its context
    requestIdEchoFeature(), // x-request-id on every answer, 404s included
    errorLogFeature(), // logs unexpected errors before later plugins look at the answer
    createOperationLimits(config.limits), // depth, aliases, directives, cost and tokens, before anything runs
    batchCapFeature(config.limits.maxBatch), // a batch over the cap is refused before Apollo Server sees it
    introspectionFeature(config.production), // per principal, once the operation is resolved
    // Opens the audit log now: a path that cannot be written stops the start naming AUDIT_LOG.
    createAudit(config.audit, (schema) => versions.versionOf(schema).policy, { maxTokens: config.limits.maxTokens }),
    // Reads the safelist manifest now: a missing or malformed one stops the start naming PERSISTED_MANIFEST.
    createPersistedOperations(config.persisted, config.limits.maxQueryBytes),
    freshnessFeature(), // before the response cache: its slot tells the cache what not to store
    fetchTraceFeature(config.production), // `bizgraph-fetches: 1`: the fetches an operation made, for the explorer's plan view
    responseCache, // after freshness and authz have marked what an answer must not be stored with
    config.metrics
      ? createGatewayMetrics({
          subgraphs: versions.subgraphNames,
          supergraph: supergraphSource,
          responseCache: responseCache.counters,
          // Read at each scrape, by which time the admission below exists.
          admission: { state: () => admission.state() },
          maxTokens: config.limits.maxTokens,
        })
      : {}, // METRICS=off: nothing counted, no /metrics route
    traceIdFeature(), // late: the response cache stores `data` only, so a hit never repeats an old trace id
    config.requestLog ? requestLogFeature(requestTraces.traceOf) : {}, // after the operation is answered; its line carries the trace id
    createUsageLog(config.usage), // last: counts only operations that resolved
  ]);
  observers.push(...features.observers);
  // One teardown, used when the start fails and by close(): features in reverse, then the upstream connections.
  let closing: Promise<void> | undefined;
  // The console's recent error rate and p99 per subgraph, from the fetch events metrics also read.
  const fetchStats = createFetchStats();
  // Holds /graphql requests back while the loop or the subgraphs are saturated; closed first, so none waits through the teardown.
  const admission = createAdmission({ saturatedConcurrency: config.saturatedConcurrency });
  const teardown = () =>
    (closing ??= Promise.resolve(admission.close())
      .then(() => features.close())
      .then(() => fetchStats.close())
      .then(() => pendingReferences.close())
      .then(() => Promise.all([fetcher.close(), probeFetcher.close()]))
      .then(() => undefined));

  const app = Fastify({ logger: false, bodyLimit: 2 * 1024 * 1024, clientErrorHandler: graphqlClientErrorHandler, genReqId: requestIdFor });
  // First: a preflight is answered before authentication, limits or the explorer look at it.
  registerCors(app, config.cors);
  // First app-wide hook: answers sent while draining close their connections.
  const shutdown = gracefulShutdown(app, config.shutdown);
  registerStrictJsonBodies(app);
  features.register(app);
  const plugins = [ApolloServerPluginLandingPageDisabled(), fastifyApolloDrainPlugin(app), ...features.plugins];
  const formatError = createFormatError(config.production);
  const includeStacktrace = config.debugErrors;
  const apollo = new ApolloServer<GatewayContext>({
    // The policy wrapper is the only guard: every operation is authorized (filtered or refused) before planning.
    gateway: versions.gateway,
    // No landing page: Apollo's default loads its explorer from a CDN.
    plugins,
    persistedQueries: features.persistedQueries,
    validationRules: features.validationRules,
    parseOptions: features.parseOptions,
    // Batches are capped per HTTP request by features/batch-cap; each operation meets every limit.
    allowBatchedHttpRequests: true,
    includeStacktraceInErrorResponses: includeStacktrace,
    // features/introspection decides, per principal: Apollo's switch can only refuse everyone.
    introspection: true,
    formatError,
    // runService (common/process.ts) owns SIGINT/SIGTERM and closes the gateway itself.
    stopOnTerminationSignals: false,
  });
  try {
    await apollo.start();
  } catch (error) {
    await teardown();
    const { variable, location } = config.supergraph;
    throw new ConfigError(variable, `${location} cannot be served: ${(error as Error).message}`);
  }

  const health = createHealth({
    probeIntervalMs: config.healthProbeIntervalMs,
    downAfterFailures: config.healthDownAfterFailures,
    supergraph: () => {
      const { hash, source, loadedAt } = versions.active();
      return { hash, source, loadedAt: loadedAt.toISOString(), refused: polling?.status.refused ?? null };
    },
    // The active version's subgraphs only: a removed one is no longer probed.
    subgraphs: () =>
      [...versions.active().dataSources.values()].map((source) => ({
        name: source.origin.subgraph,
        url: source.url,
        probe: (ms) => source.probe(ms),
        breaker: () => source.breakerState,
        answeredSince: (at) => source.answeredSince(at),
      })),
  });
  health.register(app);
  auth.registerRoutes(app);
  // The explorer (when EXPLORER is on) and the governance console's APIs (behind governance:read).
  registerOperatorPages(app, { config, authenticator: auth.authenticator, subgraphStates: () => health.subgraphStates(), fetchStats, active: () => versions.active() });
  pendingReferences.register(app);
  // An invalid token throws UNAUTHENTICATED here, which Apollo Server answers with HTTP 401.
  const context = async (request: FastifyRequest, reply: FastifyReply, arrival: RequestArrival): Promise<GatewayContext> => {
    // REQUEST_DEADLINE_MS and the request metrics count from the request's arrival: a wait for
    // admission and authentication are both part of what the client waits for.
    const { at: arrivedAt, startedAt } = arrival;
    let principal: GatewayPrincipal | null;
    try {
      principal = await auth.authenticator.authenticate(request.headers.authorization, request.id);
    } catch (error) {
      features.refusedBeforeOperation(error, request, startedAt);
      throw error;
    }
    const built: GatewayContext = { requestId: request.id, principal, arrivedAt, startedAt };
    features.contributeContext(built, request, reply);
    return built;
  };
  // encodeAnswer runs after every feature's onSend: they still see the answer as text.
  const onSend = [...(features.routeHooks.onSend ?? []), encodeAnswer];
  // Apollo Server starts and stops the plugins and loads the gateway; requests run through our own
  // HTTP layer and operation pipeline (http/), with the plugins Apollo Server installed.
  const installed = installedPlugins(apollo);
  const runOperation = createOperationPipeline({
    plugins: installed,
    current: () => {
      const version = versions.active();
      return { schema: version.apiSchema, executor: version.executor };
    },
    // As Apollo Server reads its option: only `false` disables them; without a cache, the server's.
    persistedQueries: features.persistedQueries === false ? false : { cache: features.persistedQueries?.cache ?? apollo.cache, ttl: features.persistedQueries?.ttl },
    validationRules: features.validationRules,
    parseOptions: features.parseOptions,
    formatError,
    includeStacktrace,
    logger: apollo.logger,
    cache: apollo.cache,
    maxQueryBytes: config.limits.maxQueryBytes,
    // A registered text is stored for everyone (memory or the shared Redis): in production only a caller with a valid token may add one.
    mayRegisterPersistedQuery: config.production ? (contextValue) => contextValue.principal !== null : undefined,
  });
  const handler = createGraphQLHandler({
    runOperation,
    plugins: installed,
    context,
    formatError,
    includeStacktrace,
    stringify: stringifyAnswer,
    admission,
    requestDeadlineMs: config.resilience.requestDeadlineMs,
    refusedBeforeOperation: features.refusedBeforeOperation,
  });
  // A body that never reaches GraphQL (not JSON, not UTF-8, too large, an unknown content type) is answered in GraphQL's error format.
  const errorHandler = graphqlRouteErrorHandler(
    (error, request) => log('error', 'request failed before GraphQL', { requestId: request.id, error: String(error) }),
    // A body that is not JSON, a content type nobody parses, a body over the limit: counted from the request's arrival.
    (refusal, request, reply) => features.refusedBeforeOperation(refusal, request, performance.now() - reply.elapsedTime),
  );
  app.route({ url: '/graphql', method: ['GET', 'POST', 'OPTIONS'], ...features.routeHooks, onSend, handler, errorHandler });
  health.setReady(true);
  pendingReferences.start();
  polling = pollSupergraph({ source: config.supergraph, intervalMs: config.supergraphPollIntervalMs, versions, factory });

  return {
    app,
    listen: (port, host) => listenAndDescribe(app, port, host),
    async close() {
      // Unready at once (a load balancer stops sending), serving for SHUTDOWN_DELAY_MS, then draining.
      health.setReady(false, 'shutting down');
      await polling?.close();
      // Drains first: every answered request's audit line and usage count is then written by the teardown.
      const { forced } = await shutdown.drain();
      if (forced) log('warn', 'shutdown cut connections still answering after SHUTDOWN_GRACE_MS', { graceMs: config.shutdown.graceMs });
      await teardown();
    },
  };
}
