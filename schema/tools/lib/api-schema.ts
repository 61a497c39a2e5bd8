import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';

/**
 * The schema consumers see (federation internals, join and link machinery removed) of a composed
 * supergraph. `supportedFeatures: null` accepts the `for: SECURITY` links that @apollo/gateway
 * refuses: the governance tools read our supergraph as committed, policy included.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
}
