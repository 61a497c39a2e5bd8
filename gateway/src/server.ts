import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { ConfigError } from '../../common/config.js';
import type { GatewayConfig } from './config.js';
import type { GatewayContext } from './context.js';
import { SubgraphDataSource } from './datasource/subgraph-data-source.js';
import { createUndiciFetcher } from './datasource/undici-fetcher.js';
import { createFormatError } from './errors.js';
import { createHealth } from './health.js';
import { errorLogPlugin } from './plugins/error-log.js';
import { registerRequestIdEcho, requestIdFor } from './request-id.js';
import { loadSupergraph } from './supergraph.js';
import { listenAndDescribe } from '../../common/listen.js';

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
  const fetcher = createUndiciFetcher({
    connections: config.subgraphConnections,
    headersTimeoutMs: config.subgraphTimeoutMs,
    bodyTimeoutMs: config.subgraphTimeoutMs,
  });
  const dataSources = new Map(
    supergraph.subgraphs.map((subgraph) => [
      subgraph.name,
      new SubgraphDataSource({ ...subgraph, subgraph: subgraph.name, timeoutMs: config.subgraphTimeoutMs, fetch: fetcher.fetch }),
    ]),
  );
  const gateway = new ApolloGateway({
    supergraphSdl: supergraph.sdl,
    // Every subgraph listed in the supergraph has its data source already (with its URL override).
    buildService: ({ name, url }) =>
      dataSources.get(name) ?? new SubgraphDataSource({ subgraph: name, system: name, url: url ?? '', timeoutMs: config.subgraphTimeoutMs, fetch: fetcher.fetch }),
  });

  const app = Fastify({ logger: false, bodyLimit: 2 * 1024 * 1024, genReqId: requestIdFor });
  registerRequestIdEcho(app);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    // No landing page: Apollo's default loads its explorer from a CDN.
    plugins: [ApolloServerPluginLandingPageDisabled(), fastifyApolloDrainPlugin(app), errorLogPlugin()],
    includeStacktraceInErrorResponses: !config.production,
    introspection: !config.production,
    formatError: createFormatError(config.production),
    // runService (common/process.ts) owns SIGINT/SIGTERM and closes the gateway itself.
    stopOnTerminationSignals: false,
  });
  try {
    await apollo.start();
  } catch (error) {
    await fetcher.close();
    const { variable, location } = config.supergraph;
    throw new ConfigError(variable, `${location} cannot be served: ${(error as Error).message}`);
  }

  const health = createHealth({ supergraph: { hash: supergraph.hash, source: supergraph.source }, subgraphs: [...dataSources.values()].map((source) => ({ name: source.origin.subgraph, url: source.url, probe: (ms) => source.probe(ms) })) });
  health.register(app);
  const context = async (request: FastifyRequest): Promise<GatewayContext> => ({ requestId: request.id, principal: null });
  app.route({ url: '/graphql', method: ['GET', 'POST', 'OPTIONS'], handler: fastifyApolloHandler(apollo, { context }) });
  health.setReady(true);

  return {
    app,
    listen: (port, host) => listenAndDescribe(app, port, host),
    async close() {
      health.setReady(false);
      await app.close();
      await fetcher.close();
    },
  };
}
