import type { Access } from '../../gateway/src/authz/policy.js';

/**
 * A field's access rule in one canonical shape for people to read: the conjunction of every
 * `@requiresScopes` that applies (the field's own and its returned type's; composition also ANDs
 * those of subgraphs sharing the field) multiplied out into "any of these sets of scopes".
 */
export interface Requirement {
  authenticated: boolean;
  /**
   * null: no scope needed. Otherwise any one of these sets suffices; each set is sorted, no set
   * contains another, and an empty list means no caller can satisfy it (`@requiresScopes(scopes: [])`).
   */
  anyOf: string[][] | null;
}

/** Byte-order comparison: unlike localeCompare it does not depend on the machine's locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareSets(a: string[], b: string[]): number {
  return a.length - b.length || compareText(a.join(' '), b.join(' '));
}

/** Sorts, de-duplicates and drops any set that includes a smaller one (it adds nothing to "any of"). */
export function minimalSets(sets: readonly (readonly string[])[]): string[][] {
  const unique = new Map<string, string[]>();
  for (const set of sets) {
    const sorted = [...new Set(set)].sort(compareText);
    unique.set(sorted.join(' '), sorted);
  }
  const ordered = [...unique.values()].sort(compareSets);
  return ordered.filter((set, index) => !ordered.slice(0, index).some((smaller) => smaller.every((scope) => set.includes(scope))));
}

export function requirementOf(access: Access): Requirement {
  if (access.scopes.length === 0) return { authenticated: access.authenticated, anyOf: null };
  let product: string[][] = [[]];
  for (const alternatives of access.scopes) {
    product = product.flatMap((held) => alternatives.map((allOf) => [...held, ...allOf]));
  }
  return { authenticated: access.authenticated, anyOf: minimalSets(product) };
}

/** `crm:read AND pii:read`, alternatives joined by `OR` (parenthesised when there are several). */
export function formatScopes(anyOf: readonly (readonly string[])[] | null): string {
  if (anyOf === null) return '';
  if (anyOf.length === 0) return 'nobody (empty @requiresScopes)';
  const wrap = anyOf.length > 1;
  return anyOf.map((set) => (wrap && set.length > 1 ? `(${set.join(' AND ')})` : set.join(' AND '))).join(' OR ');
}

/**
 * What a principal holding `held` still lacks, in the same "any of" shape: the smallest sets of
 * scopes that would each grant the field. null when nothing is missing.
 */
export function missingScopes(requirement: Requirement, held: ReadonlySet<string>): string[][] | null {
  if (requirement.anyOf === null) return null;
  if (requirement.anyOf.length === 0) return [];
  const missing = minimalSets(requirement.anyOf.map((set) => set.filter((scope) => !held.has(scope))));
  return missing.some((set) => set.length === 0) ? null : missing;
}
