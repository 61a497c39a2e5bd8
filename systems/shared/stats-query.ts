/**
 * The query of a stand-in's reporting endpoint (`GET /tickets/stats`, `GET /shipments/stats`):
 * `from` and `to` as ISO-8601 instants (normalised to the stores' own form: UTC, milliseconds) and
 * `groupBy` as a comma-separated list of the groupings the endpoint knows. A bad value becomes the
 * stand-in's own validation error, built by `invalid`, naming the parameter.
 */
export function readStatsQuery<G extends string>(
  query: Record<string, string | string[] | undefined>,
  groupings: readonly G[],
  invalid: (field: string, message: string) => Error,
): { from: string; to: string; groupBy: Set<G> } {
  const instant = (field: 'from' | 'to') => {
    const raw = query[field];
    const at = typeof raw === 'string' ? Date.parse(raw) : NaN;
    if (Number.isNaN(at)) throw invalid(field, `${field} must be an ISO-8601 instant`);
    return new Date(at).toISOString();
  };
  const [from, to] = [instant('from'), instant('to')];
  const raw = query.groupBy ?? [];
  const names = (Array.isArray(raw) ? raw : [raw])
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.find((name) => !(groupings as readonly string[]).includes(name));
  if (unknown !== undefined) throw invalid('groupBy', `groupBy takes ${groupings.join(', ')}`);
  return { from, to, groupBy: new Set(names as G[]) };
}
