/**
 * Provenance, a contract between subgraphs and gateway. When the gateway asks for it (request
 * header below), a subgraph answers `extensions.provenance`: per entity type, which system served
 * it, when it was fetched there and whether from cache. One item per type, never per key, so an
 * answer of 500 orders carries one `Order` item with counts.
 */
export const PROVENANCE_HEADER = 'bizgraph-provenance';

export interface ProvenanceItem {
  system: string;
  subgraph: string;
  /** The GraphQL type whose values were read (e.g. `Customer`, `Order`). */
  type: string;
  /** When the oldest value of this type in the answer was fetched from the system (ISO 8601). */
  fetchedAt: string;
  /** Whole seconds since then, when it was read (0 for values fetched by this request). */
  ageSeconds: number;
  /** Some values came from the subgraph's entity cache (the oldest fetch time is theirs). */
  fromCache: boolean;
  /** Some values were served from the cache because the system failed. */
  staleIfError: boolean;
  /** Keys answered from the cache. */
  cached: number;
  /** Keys (or rows) fetched from the system by this request. */
  fetched: number;
}

/** `bizgraph-provenance: 1` asks for provenance, `0` declines it; anything else leaves the default. */
export function parseProvenanceHeader(value: string | null | undefined): boolean | undefined {
  const trimmed = value?.trim().toLowerCase();
  if (trimmed === '1' || trimmed === 'on' || trimmed === 'true') return true;
  if (trimmed === '0' || trimmed === 'off' || trimmed === 'false') return false;
  return undefined;
}

/** Checks one item's shape; the gateway passes on only items that pass. */
export function isProvenanceItem(item: unknown): item is ProvenanceItem {
  if (typeof item !== 'object' || item === null) return false;
  const { type, fetchedAt, ageSeconds, fromCache, staleIfError, cached, fetched } = item as Record<string, unknown>;
  const count = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0;
  return (
    typeof type === 'string' &&
    type.length > 0 &&
    type.length <= 128 &&
    typeof fetchedAt === 'string' &&
    !Number.isNaN(Date.parse(fetchedAt)) &&
    typeof ageSeconds === 'number' &&
    Number.isFinite(ageSeconds) &&
    ageSeconds >= 0 &&
    typeof fromCache === 'boolean' &&
    typeof staleIfError === 'boolean' &&
    count(cached) &&
    count(fetched)
  );
}
