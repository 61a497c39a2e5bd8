import type { GatewayApolloConfig, GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from '@apollo/server-gateway-interface';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { GatewayConfig } from '../config.js';
import { requestScope, type SubgraphDataSource } from '../datasource/subgraph-data-source.js';
import { WRITE_REFERENCES } from '../../../common/contracts/references.js';
import { enforcePolicy } from '../authz/enforce.js';
import { checkingReferences } from '../references/check.js';
import type { PendingReferences } from '../references/pending.js';
import { loadPolicy } from '../authz/load.js';
import type { SupergraphPolicy } from '../authz/policy.js';
import { createPlanningGateway } from '../execution/gateway.js';
import type { SubgraphFetch, SubgraphResponse } from '../execution/index.js';
import { describeSupergraph, parseSupergraph, type LoadedSupergraph, type SubgraphEndpoint } from '../supergraph.js';
import { readListSizes, recordListSizes, type ListSizes } from '../features/limits/list-sizes.js';

/** A supergraph text that passed the checks needing no planner: Federation 2, subgraphs listed, policy readable. */
export interface SupergraphCandidate {
  supergraph: LoadedSupergraph;
  policy: SupergraphPolicy;
  /** `@listSize` of its lists: the cost limit reads them by API schema, which keeps no cost-spec directive. */
  listSizes: ListSizes;
}

/**
 * Everything that belongs to one version of the supergraph, built together and swapped together:
 * the schema Apollo Server validates against, the policy the authorization wrapper applies, the
 * query planner (inside this version's own ApolloGateway) and the data sources it calls. A request
 * is executed by the version whose `apiSchema` it was validated on, so it is never authorized on
 * one version and planned on another, and a request in flight during a swap finishes on its own.
 */
export interface SupergraphVersion {
  /** Short content hash of the supergraph text (the version shown in /readyz and metrics). */
  hash: string;
  /** File path or URL it was read from. */
  source: string;
  loadedAt: Date;
  policy: SupergraphPolicy;
  subgraphs: readonly SubgraphEndpoint[];
  dataSources: ReadonlyMap<string, SubgraphDataSource>;
  /** The API schema handed to Apollo Server (one object per version: the key to find a request's version). */
  apiSchema: GraphQLSchema;
  coreSupergraphSdl: string;
  /** The policy-enforcing executor of this version's gateway. */
  executor: GatewayExecutor;
  /** Releases the version's gateway; requests already holding its executor still finish. */
  stop(): Promise<void>;
}

export interface VersionFactory {
  /** Cheap checks first (parse, join spec, policy): throws a ConfigError naming the setting and the reason. */
  prepare(sdl: string): SupergraphCandidate;
  /** Builds the planner and data sources; throws what @apollo/gateway refuses. Keeps `previous`'s data sources whose URL is unchanged. */
  realize(candidate: SupergraphCandidate, apollo: GatewayApolloConfig, previous?: SupergraphVersion): Promise<SupergraphVersion>;
}

export interface VersionFactoryOptions {
  config: Pick<GatewayConfig, 'supergraph' | 'subgraphUrls' | 'subgraphSystems' | 'authzMode' | 'executor'>;
  /** One data source per subgraph (resilience, internal tokens, the shared HTTP client). */
  createDataSource(subgraph: SubgraphEndpoint): SubgraphDataSource;
  /** Where `accept-pending` references written while their owner was down are marked. */
  pendingReferences?: PendingReferences;
}

/** What a version needs besides its planner, read from one parse of its text: the policy and the list sizes. */
export function prepareCandidate(
  supergraph: LoadedSupergraph,
  config: Pick<GatewayConfig, 'supergraph' | 'executor'>,
  document: DocumentNode = parseSupergraph(supergraph.sdl, config.supergraph),
): SupergraphCandidate {
  return { supergraph, policy: loadPolicy(document, config.supergraph, config.executor), listSizes: readListSizes(document) };
}

export function createVersionFactory({ config, createDataSource, pendingReferences }: VersionFactoryOptions): VersionFactory {
  return {
    prepare(sdl) {
      // Parsed once: the subgraph list, the policy and the list sizes all read the same tree.
      const document = parseSupergraph(sdl, config.supergraph);
      return prepareCandidate(describeSupergraph(sdl, config, document), config, document);
    },
    async realize({ supergraph, policy, listSizes }, apollo, previous) {
      const dataSources = new Map<string, SubgraphDataSource>();
      for (const subgraph of supergraph.subgraphs) {
        const kept = previous?.dataSources.get(subgraph.name);
        // Kept when nothing changed, so its breaker state and statistics carry over the swap.
        const reusable = kept && kept.url === subgraph.url && kept.origin.system === subgraph.system;
        dataSources.set(subgraph.name, reusable ? kept : createDataSource(subgraph));
      }
      const gateway = await createGateway(config.executor, policy.executableSdl, dataSources, createDataSource);
      let loaded: { apiSchema: GraphQLSchema; coreSupergraphSdl: string } | undefined;
      const unsubscribe = gateway.onSchemaLoadOrUpdate((schemaContext) => (loaded = schemaContext));
      try {
        // Authorization first, then the write references (so only a caller who may write learns whether a key exists), then planning.
        const { executor } = await enforcePolicy(checkingReferences(gateway, WRITE_REFERENCES, dataSources, pendingReferences), { policy, mode: config.authzMode }).load({
          apollo,
        });
        if (!executor || !loaded) throw new Error(`the ${config.executor} executor's gateway loaded no schema`);
        recordListSizes(loaded.apiSchema, listSizes);
        return {
          hash: supergraph.hash,
          source: supergraph.source,
          loadedAt: new Date(),
          policy,
          subgraphs: supergraph.subgraphs,
          dataSources,
          apiSchema: loaded.apiSchema,
          coreSupergraphSdl: loaded.coreSupergraphSdl,
          executor,
          stop: () => gateway.stop(),
        };
      } catch (error) {
        await gateway.stop().catch(() => {});
        throw error;
      } finally {
        unsubscribe();
      }
    },
  };
}

/**
 * The planner and executor of one version: @apollo/gateway's own, or Apollo's planner with
 * bizgraph's executor (`GATEWAY_EXECUTOR`). Either way every subgraph call goes through the
 * version's data sources, so tokens, resilience, provenance and spans stay in one place.
 * @apollo/gateway is loaded only when it executes: with its composition and fetch stack it holds
 * ~40 MB that bizgraph's executor does not need.
 */
async function createGateway(
  executor: VersionFactoryOptions['config']['executor'],
  supergraphSdl: string,
  dataSources: ReadonlyMap<string, SubgraphDataSource>,
  createDataSource: VersionFactoryOptions['createDataSource'],
): Promise<GatewayInterface> {
  if (executor === 'bizgraph') return createPlanningGateway({ supergraphSdl, fetchFor: (requestContext) => fetchThrough(dataSources, requestContext) });
  const { ApolloGateway } = await loadApolloGateway();
  return new ApolloGateway({
    // Without `for: SECURITY`, which @apollo/gateway refuses; the authz wrapper enforces the policy.
    supergraphSdl,
    // Every subgraph listed in the supergraph has its data source already (with its URL override).
    buildService: ({ name, url }) => dataSources.get(name) ?? createDataSource({ name, url: url ?? '', system: name }),
  });
}

/**
 * @apollo/gateway, loaded on first use. A CommonJS package: imported dynamically from a bundle its
 * exports may arrive under `default`. (Loading it with `require` instead would bring a second copy
 * of graphql-js, whose schemas the bundle's own copy refuses.)
 */
async function loadApolloGateway(): Promise<typeof import('@apollo/gateway')> {
  const module = await import('@apollo/gateway');
  return module.ApolloGateway ? module : (module as unknown as { default: typeof module }).default;
}

/** The executor's fetch seam for one client request: the subgraph's data source, given the request's context. */
function fetchThrough(dataSources: ReadonlyMap<string, SubgraphDataSource>, requestContext: GatewayGraphQLRequestContext): SubgraphFetch {
  const scope = requestScope(requestContext);
  return async ({ subgraph, query, variables, operationName, path }) => {
    const source = dataSources.get(subgraph);
    // @apollo/gateway's words for a plan naming a subgraph it has no data source for.
    if (!source) throw new Error(`Couldn't find service with name "${subgraph}"`);
    return (await source.fetch({ query, variables, operationName, path, ...scope })) as SubgraphResponse;
  };
}
