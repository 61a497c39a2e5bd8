import type { GatewayApolloConfig, GatewayInterface, GatewaySchemaLoadOrUpdateCallback } from '@apollo/server-gateway-interface';
import type { GraphQLSchema } from 'graphql';
import { log } from '../log.js';
import type { SupergraphCandidate, SupergraphVersion, VersionFactory } from './version.js';

/**
 * The versions of the supergraph the gateway serves: the active one and, for requests still in
 * flight, the ones before it. Apollo Server sees one GatewayInterface (`gateway`); its executor
 * finds each request's version by the schema the request was validated on (Apollo Server pins that
 * schema when the request starts), so a swap never moves a request to another policy or planner.
 */
export interface SupergraphVersions {
  /** Hand this to Apollo Server: its `load` builds the first version. */
  gateway: GatewayInterface;
  /** The version serving new requests; throws before Apollo Server started. */
  active(): SupergraphVersion;
  /** The version a request validated on `schema` runs on (the active one when unknown). */
  versionOf(schema: GraphQLSchema | undefined): SupergraphVersion;
  /** The active version's subgraph names (the initial supergraph's before the first load); the same array until a swap. */
  subgraphNames(): readonly string[];
  /**
   * Builds `candidate` and makes it active in one synchronous step (Apollo Server's schema, the
   * policy, the planner and the data sources together); throws, changing nothing, when it cannot be built.
   */
  apply(candidate: SupergraphCandidate): Promise<SupergraphVersion>;
}

export function createSupergraphVersions(initial: SupergraphCandidate, factory: VersionFactory): SupergraphVersions {
  const listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();
  // Weak: a version is collected once no request and no Apollo Server state refers to its schema.
  const bySchema = new WeakMap<GraphQLSchema, SupergraphVersion>();
  let current: SupergraphVersion | undefined;
  let apollo: GatewayApolloConfig | undefined;
  let stopped = false;
  let names = initial.supergraph.subgraphs.map(({ name }) => name);

  const active = (): SupergraphVersion => {
    if (!current) throw new Error('no supergraph version is loaded yet');
    return current;
  };

  /** The one place a version becomes active: no await between the pointer and Apollo Server's schema. */
  const activate = (version: SupergraphVersion): SupergraphVersion | undefined => {
    const previous = current;
    bySchema.set(version.apiSchema, version);
    current = version;
    names = version.subgraphs.map(({ name }) => name);
    for (const listener of listeners) listener({ apiSchema: version.apiSchema, coreSupergraphSdl: version.coreSupergraphSdl });
    return previous;
  };

  const gateway: GatewayInterface = {
    onSchemaLoadOrUpdate(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    async load(options) {
      apollo = options.apollo;
      activate(await factory.realize(initial, apollo));
      return { executor: (requestContext) => versionOf(requestContext.schema).executor(requestContext) };
    },
    async stop() {
      stopped = true;
      await current?.stop();
    },
  };

  const versionOf = (schema: GraphQLSchema | undefined): SupergraphVersion => (schema && bySchema.get(schema)) || active();

  return {
    gateway,
    active,
    versionOf,
    subgraphNames: () => names,
    async apply(candidate) {
      if (!apollo || stopped) throw new Error('the gateway is not serving');
      const version = await factory.realize(candidate, apollo, active());
      if (stopped) {
        await version.stop();
        throw new Error('the gateway stopped while the new version was built');
      }
      const previous = activate(version);
      // Requests already running on it hold its executor: stopping releases nothing they need.
      previous?.stop().catch((error: unknown) => log('warn', 'previous supergraph version did not stop cleanly', { version: previous.hash, error: String(error) }));
      return version;
    },
  };
}
