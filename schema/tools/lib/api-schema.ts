import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';

/** The last few supergraphs built: schema:check's rules each ask for the same one. */
const recent = new Map<string, GraphQLSchema>();
const RECENT_MAX = 4;

/**
 * The schema consumers see (federation internals, join and link machinery removed) of a composed
 * supergraph. `supportedFeatures: null` accepts the `for: SECURITY` links that @apollo/gateway
 * refuses: the governance tools read our supergraph as committed, policy included. Building one
 * takes a noticeable fraction of a second, so the last few are remembered by their text.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  const known = recent.get(supergraphSdl);
  if (known) return known;
  const schema = Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(supergraphSdl, schema);
  return schema;
}
