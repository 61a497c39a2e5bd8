import type { WriteReference } from '../../../common/contracts/references.js';
import type { SubgraphCall, SubgraphDataSource } from '../datasource/subgraph-data-source.js';

/** One referenced key to look up in the system that owns it. */
export interface ReferencedKey {
  reference: WriteReference;
  value: string;
}

/**
 * What the owner said of one key: it knows it (`found`), it does not (`unknown`), or it could not
 * say (`unavailable`: down, timing out, breaker open, or failing on that key).
 */
export type OwnerAnswer = 'found' | 'unknown' | 'unavailable';

const CHECK = 'query ReferenceCheck($representations: [_Any!]!) { _entities(representations: $representations) { __typename } }';

type EntitiesAnswer = {
  data?: { _entities?: unknown[] } | null;
  errors?: ReadonlyArray<{ path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> }>;
};

/**
 * Asks one subgraph about keys it owns, in one `_entities` request through its data source (the
 * call's internal token, resilience, metrics, the subgraph's own entity cache), and answers per key,
 * in order. Used before a write (the caller's scope) and by the pending re-check (the gateway's).
 */
export async function askOwner(
  source: SubgraphDataSource,
  keys: readonly ReferencedKey[],
  scope: Pick<SubgraphCall, 'context' | 'operationType' | 'cachePolicy'>,
  path: readonly (string | number)[],
): Promise<OwnerAnswer[]> {
  const representations = keys.map(({ reference, value }) => ({ __typename: reference.target.type, [reference.target.key]: value }));
  let answer: EntitiesAnswer;
  try {
    answer = (await source.fetch({ query: CHECK, variables: { representations }, ...scope, path })) as EntitiesAnswer;
  } catch {
    return keys.map(() => 'unavailable');
  }
  const found = answer.data?._entities;
  if (!Array.isArray(found) || found.length !== keys.length) return keys.map(() => 'unavailable');
  return keys.map((_key, index) => {
    if (found[index] !== null && found[index] !== undefined) return 'found';
    const error = answer.errors?.find((candidate) => candidate.path?.[1] === index || candidate.path === undefined);
    const code = error?.extensions?.code;
    // A row-level rule hides the record from this caller: it exists; the owning system's own rule answers the write.
    if (code === 'FORBIDDEN') return 'found';
    // The owner failed (not: refused the key as malformed or unknown): it could not confirm.
    if (error && code !== 'BAD_USER_INPUT' && code !== 'NOT_FOUND') return 'unavailable';
    return 'unknown';
  });
}
