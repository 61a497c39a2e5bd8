import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { DocumentNode } from 'graphql';
import type { GatewayContext } from '../context.js';
import type { SubgraphOrigin } from '../errors.js';

/** One subgraph fetch made for a client operation, as @apollo/gateway describes it. */
export interface SubgraphFetch {
  /** Where the fetched values land in the client's answer (entity fetches only). */
  pathInIncomingRequest?: readonly (string | number)[];
  document?: DocumentNode;
  request: { query?: string };
  /** `performance.now()` when the fetch was sent (its first attempt). */
  startedAt?: number;
}

/**
 * What the data source tells others about the fetches of client operations, so that it imports no
 * feature: features register observers (`GatewayFeature.subgraphObserver`) and keep what they
 * learn in their slot of the context. Called only for fetches made for a client operation (never
 * for probes), on the hot path: observers must not throw and should allocate only what they keep.
 */
export interface SubgraphObserver {
  /** Before the fetch is sent: may add request headers. */
  onSubgraphRequest?(context: GatewayContext, headers: { set(name: string, value: string): unknown }): void;
  /** After the subgraph answered with a GraphQL response (data and/or errors); not after a transport failure. */
  onSubgraphResponse?(context: GatewayContext, fetch: SubgraphFetch, response: GatewayGraphQLResponse, origin: SubgraphOrigin): void;
}
