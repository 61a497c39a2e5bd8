/**
 * Groups items by `key`, keeping their order within each group; an item whose key is null is
 * left out. One pass, each item appended once (not a copied array per item).
 */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const value = key(item);
    if (value === null) continue;
    const group = groups.get(value);
    if (group) group.push(item);
    else groups.set(value, [item]);
  }
  return groups;
}
