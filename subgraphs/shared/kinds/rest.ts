import type { FastifyInstance } from 'fastify';
import type { ErrorOrigin } from '../../../common/contracts/errors.js';
import type { SubgraphBaseConfig } from '../config.js';
import type { BaseContext } from '../context.js';
import { createEntityCache, entityCacheDebugCounters, type EntityCache } from '../entity-cache/cache.js';
import type { EntityCacheConfig } from '../entity-cache/config.js';
import { createStaleIfErrorReport, staleIfErrorPlugin, type StaleIfErrorReport } from '../entity-cache/report.js';
import { createProvenanceRecorder, provenancePlugin, type ProvenanceRecorder } from '../provenance.js';
import { createSubgraphServer, type SubgraphServer } from '../server.js';
import { readSchema } from './schema.js';

/** What the kind needs of a subgraph's one client to its system's REST API. */
export interface SystemClient {
  /** Resolves when the system answers its health check; drives `/readyz`. */
  checkHealth(): Promise<void>;
  /** Calls made since start or the last reset, health checks excluded: the batching proof. */
  callCount(): number;
  resetCallCount(): void;
  close(): Promise<void>;
}

/** Per-request context of every REST subgraph; `<Name>Context` in each `context.ts` names it. */
export interface RestContext<Client, Loaders> extends BaseContext {
  client: Client;
  loaders: Loaders;
  /** Shared by every request (and, with Redis, every replica); writes replace or invalidate entries. */
  cache: EntityCache;
  /** Entities this request served from the cache because the system failed. */
  staleIfError: StaleIfErrorReport;
  /** Which system answered what in this request; records only when the gateway asks (`bizgraph-provenance`). */
  provenance: ProvenanceRecorder;
}

/** Routes a subgraph adds beside `/graphql` (a signed change webhook), with their own counters. */
export interface ExtraRoutes {
  counters(): object;
  resetCounters(): void;
}

export interface RestSubgraphOptions<Client extends SystemClient, Loaders> {
  /** Subgraph name as in schema/supergraph.yaml; `/debug/counters` shows `<name>Calls`. */
  name: string;
  /** `new URL('./schema.graphql', import.meta.url)` of the subgraph. */
  schema: URL;
  resolvers: unknown;
  config: SubgraphBaseConfig & { entityCache: EntityCacheConfig };
  /** Stamped on errors, cache keys and provenance. */
  origin: ErrorOrigin;
  /** The subgraph's one seam to its system; closed with the server, or when the start fails. */
  client: Client;
  createLoaders(client: Client, cache: EntityCache, staleIfError: StaleIfErrorReport, provenance: ProvenanceRecorder): Loaders;
  /** Registers routes once the server exists, e.g. the change webhook that invalidates `cache`. */
  registerRoutes?(app: FastifyInstance, cache: EntityCache): ExtraRoutes;
}

/**
 * A subgraph over a REST system: entity cache with stale-if-error, provenance, counters at
 * `/debug/counters` and cleanup are wired here once, so each `server.ts` is one call. Does not listen.
 */
export async function createRestSubgraph<Client extends SystemClient, Loaders>(options: RestSubgraphOptions<Client, Loaders>): Promise<SubgraphServer> {
  type Context = RestContext<Client, Loaders>;
  const { client, origin } = options;
  const cache = createEntityCache({ config: options.config.entityCache, origin });
  // Assigned right after the server exists; counters are read only once it serves.
  let routes: ExtraRoutes | undefined;
  try {
    const server = await createSubgraphServer<Context>({
      name: options.name,
      origin,
      typeDefs: readSchema(options.schema),
      resolvers: options.resolvers,
      production: options.config.production,
      createContext: (base) => {
        const staleIfError = createStaleIfErrorReport();
        const provenance = createProvenanceRecorder(origin);
        return { ...base, client, cache, staleIfError, provenance, loaders: options.createLoaders(client, cache, staleIfError, provenance) };
      },
      plugins: [staleIfErrorPlugin<Context>(), provenancePlugin<Context>()],
      checkReady: () => client.checkHealth(),
      debugCounters: () => ({ [`${options.name}Calls`]: client.callCount(), ...entityCacheDebugCounters(cache), ...routes?.counters() }),
      resetDebugCounters: () => {
        client.resetCallCount();
        cache.resetCounters();
        routes?.resetCounters();
      },
      onClose: async () => {
        await cache.close();
        await client.close();
      },
    });
    routes = options.registerRoutes?.(server.app, cache);
    return server;
  } catch (error) {
    await Promise.allSettled([cache.close(), client.close()]);
    throw error;
  }
}
