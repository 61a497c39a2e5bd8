import { buildCatalog, type Catalog } from '../../../schema/tools/catalog/model.js';
import { readOwners, type SubgraphOwner } from '../../../schema/tools/lib/owners.js';
import type { ExplorerCatalog, FieldAnnotation } from '../../../common/contracts/explorer.js';
import type { SupergraphPolicy } from '../authz/policy.js';

/**
 * What the explorer's docs pane adds to each field: the catalog of the supergraph the gateway
 * serves now (`npm run catalog`'s model over the active version and schema/owners.yaml): which
 * systems resolve it, which teams own it, the scopes it needs and its classification tags.
 */
export interface CatalogSource {
  hash: string;
  coreSupergraphSdl: string;
  policy: SupergraphPolicy;
}

/** The catalog of the supergraph a gateway serves, built once per version (the last one is kept). */
export interface CatalogCache {
  /** The catalog, or why there is none (a subgraph schema/owners.yaml does not list). */
  of(version: CatalogSource): { catalog?: Catalog; problem?: string };
  /** schema/owners.yaml as read for that version's catalog ({} when it could not be read): the console's subgraph owners. */
  ownersOf(version: CatalogSource): Record<string, SubgraphOwner>;
  /** The docs pane's annotations as JSON text (`GET /explorer/catalog`). */
  annotationsOf(version: CatalogSource): string;
}

export function createCatalogCache(owners = readOwners): CatalogCache {
  let cached: { hash: string; owners: Record<string, SubgraphOwner>; catalog?: Catalog; problem?: string; annotations: string } | undefined;
  const load = (version: CatalogSource) => {
    if (cached?.hash === version.hash) return cached;
    // Read once per version, for the catalog and the console alike (the console polls every 2 s).
    let known: Record<string, SubgraphOwner> = {};
    let catalog: Catalog | undefined;
    let problem: string | undefined;
    try {
      known = owners();
      catalog = buildCatalog({ supergraphSdl: version.coreSupergraphSdl, owners: known, policy: version.policy });
    } catch (error) {
      problem = (error as Error).message;
    }
    cached = { hash: version.hash, owners: known, catalog, problem, annotations: JSON.stringify(annotate(catalog, problem)) };
    return cached;
  };
  return {
    of: (version) => {
      const { catalog, problem } = load(version);
      return catalog ? { catalog } : { problem };
    },
    ownersOf: (version) => load(version).owners,
    annotationsOf: (version) => load(version).annotations,
  };
}

function annotate(catalog: Catalog | undefined, problem: string | undefined): ExplorerCatalog {
  if (!catalog) return { fields: {}, problem };
  const fields: Record<string, FieldAnnotation> = {};
  for (const type of catalog.types) {
    for (const field of type.fields) {
      fields[field.coordinate] = { systems: field.systems, teams: field.teams, scopes: field.requires, authenticated: field.authenticated, tags: field.tags };
    }
  }
  return { fields };
}
