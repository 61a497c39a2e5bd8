import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { ConfigError } from '../../common/config.js';
import { subgraphEnvName, type GatewayConfig } from './config.js';
import type { GatewayContext } from './context.js';
import { SubgraphDataSource } from './datasource/subgraph-data-source.js';
import { createUndiciFetcher } from './datasource/undici-fetcher.js';
import { longestTimeoutMs, policyFor } from './datasource/resilience-config.js';
import { startRequestClock } from './datasource/deadline.js';
import { createFormatError } from './errors.js';
import { createHealth } from './health.js';
import { errorLogPlugin } from './features/error-log/index.js';
import { batchCap } from './features/batch-cap/index.js';
import { introspectionPlugin } from './features/introspection/index.js';
import { createOperationLimits } from './features/limits/index.js';
import { createAudit } from './features/audit/index.js';
import { registerRequestIdEcho, requestIdFor } from './request-id.js';
import { loadSupergraph, type SubgraphEndpoint } from './supergraph.js';
import { loadPolicy } from './authz/load.js';
import { createVersionFactory } from './reload/version.js';
import { createSupergraphVersions } from './reload/versions.js';
import { pollSupergraph, type SupergraphPolling } from './reload/poll.js';
import { createGatewayAuth } from './auth/gateway-auth.js';
import { listenAndDescribe } from '../../common/listen.js';
import { createPersistedOperations } from './features/persisted/index.js';
import { staleMarkerPlugin } from './features/freshness/stale-marker.js';
import { provenancePlugin } from './features/freshness/provenance.js';
import { createResponseCache } from './features/response-cache/index.js';
import { createGatewayMetrics } from './features/metrics/index.js';
import { registerGatewayRequestSpans, traceIdPlugin } from './features/tracing/index.js';
import { processLogger } from '../../common/logger.js';
import { graphqlRequestLogPlugin, registerRequestLog } from '../../common/request-log.js';
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
  const supergraph = await loadSupergraph(config);
  const policy = loadPolicy(supergraph.sdl, config.supergraph);
  const auth = await createGatewayAuth(config.auth);
  const fetcher = createUndiciFetcher({
    connections: config.subgraphConnections,
    headersTimeoutMs: longestTimeoutMs(config.resilience),
    bodyTimeoutMs: longestTimeoutMs(config.resilience),
    compression: config.subgraphCompression,
  });
  // Per-subgraph timeout, retries, breaker and bulkhead; every request shares one deadline.
  const resilienceOf = (name: string) => ({ policy: policyFor(config.resilience, subgraphEnvName(name)), requestDeadlineMs: config.resilience.requestDeadlineMs });
  const createDataSource = (subgraph: SubgraphEndpoint) =>
    new SubgraphDataSource({ ...subgraph, subgraph: subgraph.name, ...resilienceOf(subgraph.name), fetch: fetcher.fetch, internalTokens: auth.internalTokens });
  // Each supergraph version (policy, planner, data sources) is built and swapped as one (see reload/).
  const factory = createVersionFactory({ config, createDataSource });
  const versions = createSupergraphVersions({ supergraph, policy }, factory);
  let polling: SupergraphPolling | undefined;

  const app = Fastify({ logger: false, bodyLimit: 2 * 1024 * 1024, genReqId: requestIdFor });
  // First hook: the rest of each /graphql request (Apollo, plugins, subgraph fetches) runs inside its span.
  registerGatewayRequestSpans(app);
  registerRequestIdEcho(app);
  // After the spans: one log line per request, with its trace id.
  registerRequestLog(app, { logger: processLogger('gateway') });
  const limits = createOperationLimits(config.limits);
  // Opens the audit log now: a path that cannot be written stops the start naming AUDIT_LOG.
  const audit = createAudit(config.audit, (schema) => versions.versionOf(schema).policy, { maxTokens: config.limits.maxTokens });
  // Reads the safelist manifest now: a missing or malformed one stops the start naming PERSISTED_MANIFEST.
  const persisted = createPersistedOperations(config.persisted);
  const responseCache = createResponseCache(config.responseCache, { supergraphHash: (request) => versions.versionOf(request.schema).hash, production: config.production });
  const metrics = createGatewayMetrics({
    subgraphs: versions.subgraphNames,
    supergraph: { activeVersion: () => versions.active().hash, reloads: () => ({ applied: polling?.status.applied ?? 0, refused: polling?.status.refusals ?? 0 }) },
    responseCache: responseCache.counters,
    maxTokens: config.limits.maxTokens,
  });
  const usage = createUsageLog(config.usage);
  const apollo = new ApolloServer<GatewayContext>({
    // The policy wrapper is the only guard: every operation is authorized (filtered or refused) before planning.
    gateway: versions.gateway,
    // No landing page: Apollo's default loads its explorer from a CDN.
    plugins: [ApolloServerPluginLandingPageDisabled(), fastifyApolloDrainPlugin(app), errorLogPlugin(), ...limits.plugins, introspectionPlugin(config.production), audit.plugin, ...persisted.plugins, staleMarkerPlugin(), provenancePlugin(), ...responseCache.plugins, metrics.plugin, traceIdPlugin(), graphqlRequestLogPlugin(), usage.plugin],
    persistedQueries: persisted.persistedQueries,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    // Batches are capped per HTTP request by `batchCap` (preHandler below); each operation meets every limit.
    allowBatchedHttpRequests: true,
    includeStacktraceInErrorResponses: !config.production,
    // plugins/introspection.ts decides, per principal: Apollo's switch can only refuse everyone.
    introspection: true,
    formatError: createFormatError(config.production),
    // runService (common/process.ts) owns SIGINT/SIGTERM and closes the gateway itself.
    stopOnTerminationSignals: false,
  });
  try {
    await apollo.start();
  } catch (error) {
    await fetcher.close();
    await audit.close();
    await usage.close();
    await persisted.close();
    await responseCache.close();
    metrics.close();
    const { variable, location } = config.supergraph;
    throw new ConfigError(variable, `${location} cannot be served: ${(error as Error).message}`);
  }

  const health = createHealth({
    supergraph: () => {
      const { hash, source, loadedAt } = versions.active();
      return { hash, source, loadedAt: loadedAt.toISOString(), refused: polling?.status.refused ?? null };
    },
    // The active version's subgraphs only: a removed one is no longer probed.
    subgraphs: () => [...versions.active().dataSources.values()].map((source) => ({ name: source.origin.subgraph, url: source.url, probe: (ms) => source.probe(ms), breaker: () => source.breakerState })),
  });
  health.register(app);
  auth.registerRoutes(app);
  responseCache.registerRoutes(app);
  metrics.registerRoutes(app);
  // An invalid token throws UNAUTHENTICATED here, which Apollo Server answers with HTTP 401.
  const context = async (request: FastifyRequest): Promise<GatewayContext> => {
    // REQUEST_DEADLINE_MS counts from the request's arrival, authentication included.
    const arrivedAt = Date.now();
    return startRequestClock({ requestId: request.id, principal: await auth.authenticator.authenticate(request.headers.authorization, request.id) }, arrivedAt);
  };
  app.route({ url: '/graphql', method: ['GET', 'POST', 'OPTIONS'], ...audit.routeHooks, preHandler: batchCap(config.limits.maxBatch), handler: fastifyApolloHandler(apollo, { context: metrics.context(audit.context(context)) }) });
  health.setReady(true);
  polling = pollSupergraph({ source: config.supergraph, intervalMs: config.supergraphPollIntervalMs, versions, factory });

  return {
    app,
    listen: (port, host) => listenAndDescribe(app, port, host),
    async close() {
      health.setReady(false);
      await polling?.close();
      await app.close();
      await fetcher.close();
      await persisted.close();
      await responseCache.close();
      metrics.close();
      // After the server drained: every answered request's line is flushed.
      await audit.close();
      // After the drain too: the last counts are written.
      await usage.close();
    },
  };
}
