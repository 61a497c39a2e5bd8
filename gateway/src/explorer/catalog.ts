import { buildCatalog } from '../../../schema/tools/catalog/model.js';
import { readOwners } from '../../../schema/tools/lib/owners.js';
import type { SupergraphPolicy } from '../authz/policy.js';

/**
 * What the explorer's docs pane adds to each field: the catalog of the supergraph the gateway
 * serves now (`npm run catalog`'s model over the active version and schema/owners.yaml): which
 * systems resolve it, which teams own it, the scopes it needs and its classification tags.
 */
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
  /** Why there are no annotations (a supergraph with a subgraph schema/owners.yaml does not know). */
  problem?: string;
}

export interface CatalogSource {
  hash: string;
  coreSupergraphSdl: string;
  policy: SupergraphPolicy;
}

/** The catalog of a supergraph version as JSON text, built once per version (the last one is kept). */
export function createExplorerCatalog(owners = readOwners): (version: CatalogSource) => string {
  let cached: { hash: string; body: string } | undefined;
  return (version) => {
    if (cached?.hash === version.hash) return cached.body;
    cached = { hash: version.hash, body: JSON.stringify(annotate(version, owners)) };
    return cached.body;
  };
}

function annotate(version: CatalogSource, owners: typeof readOwners): ExplorerCatalog {
  try {
    const catalog = buildCatalog({ supergraphSdl: version.coreSupergraphSdl, owners: owners(), policy: version.policy });
    const fields: Record<string, FieldAnnotation> = {};
    for (const type of catalog.types) {
      for (const field of type.fields) {
        fields[field.coordinate] = { systems: field.systems, teams: field.teams, scopes: field.requires, authenticated: field.authenticated, tags: field.tags };
      }
    }
    return { fields };
  } catch (error) {
    return { fields: {}, problem: (error as Error).message };
  }
}
