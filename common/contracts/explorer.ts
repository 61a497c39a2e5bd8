/**
 * What the gateway tells the pages it serves (apps/explorer), shared as types by both sides so the
 * browser code cannot drift from the gateway's answers. Types only: the browser bundle imports
 * nothing from the server at run time.
 */

/** A field as the catalog describes it in the explorer's docs pane (`GET /explorer/catalog`). */
export interface FieldAnnotation {
  systems: string[];
  teams: string[];
  /** `crm:read AND pii:read`; empty when the field needs no scope. */
  scopes: string;
  authenticated: boolean;
  tags: string[];
}

export interface ExplorerCatalog {
  /** By coordinate (`Customer.email`). */
  fields: Record<string, FieldAnnotation>;
  /** Why there are no annotations (a supergraph with a subgraph schema/owners.yaml does not list). */
  problem?: string;
}

/** One entry of `extensions.fetches` (`bizgraph-fetches: 1`): a subgraph fetch of the operation. */
export interface FetchRecord {
  subgraph: string;
  system: string;
  /** Where the answer went: root fields, or an entity path with `@` for list items (as in `extensions.sources`). */
  path: string;
  /** Since the request arrived. */
  startedMs: number;
  durationMs: number;
  /** GraphQL errors the subgraph answered with. */
  errors: number;
}
