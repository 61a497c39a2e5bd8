/**
 * Test support: wraps inline type definitions in the schema header and `join__Graph` enum that
 * composition writes (see schema/supergraph.graphql), so each test shows only the types it is about.
 */
export function supergraph(types: string, { security = true }: { security?: boolean } = {}): string {
  const links = security
    ? `
  @link(url: "https://specs.apollo.dev/tag/v0.3")
  @link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)
  @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)`
    : '';
  const mutation = /\btype Mutation\b/.test(types) ? '\n  mutation: Mutation' : '';
  return /* GraphQL */ `
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.4", for: EXECUTION)${links}
{
  query: Query${mutation}
}

enum join__Graph {
  CRM @join__graph(name: "crm", url: "http://127.0.0.1:4001/graphql")
  SUPPORT @join__graph(name: "support", url: "http://127.0.0.1:4004/graphql")
}
${types}`;
}
