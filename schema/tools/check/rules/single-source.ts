import { Kind, parse } from 'graphql';
import { booleanArgument, graphNames, joinDirectives, stringArgument, typeDefinitions } from '../../lib/supergraph-sdl.js';
import type { Finding, RuleInput } from '../types.js';

/**
 * Single source of truth: a non-key field that more than one subgraph resolves (`@shareable`) can
 * return different answers depending on the query plan, so each one must be a reviewed exception
 * in schema/shareable.yaml (`reason` and `approvedBy`). An entry that no longer matches a shared
 * field is a warning: the allow-list should shrink with the schema.
 */
export function singleSource(input: RuleInput): Finding[] {
  const shared = sharedFields(input.supergraphSdl);
  const entries = new Map(input.shareable.map((entry) => [entry.coordinate, entry]));
  const findings: Finding[] = [];
  const used = new Set<string>();
  for (const [coordinate, resolvers] of shared) {
    const type = coordinate.slice(0, coordinate.indexOf('.'));
    const entry = entries.get(coordinate) ?? entries.get(type);
    const where = `resolved by ${resolvers.join(', ')}`;
    if (!entry) {
      findings.push({
        severity: 'error',
        rule: 'single-source',
        coordinate,
        subgraphs: resolvers,
        message: `non-key field ${where}: make one subgraph its source, or add it to schema/shareable.yaml with a reason and approvedBy`,
      });
      continue;
    }
    used.add(entry.coordinate);
    const gaps = (['reason', 'approvedBy'] as const).filter((key) => !entry[key]?.trim());
    if (gaps.length > 0) {
      findings.push({
        severity: 'error',
        rule: 'single-source',
        coordinate,
        subgraphs: resolvers,
        message: `non-key field ${where}: its schema/shareable.yaml entry ${entry.coordinate} lacks ${gaps.join(' and ')}`,
      });
    }
  }
  for (const entry of input.shareable) {
    if (!used.has(entry.coordinate)) {
      findings.push({
        severity: 'warning',
        rule: 'single-source',
        coordinate: entry.coordinate,
        message: 'schema/shareable.yaml lists it but no non-key field of it is shared any more: remove the entry',
      });
    }
  }
  return findings;
}

/** `Type.field` → the subgraphs resolving it, for every non-key object field resolved by two or more. */
export function sharedFields(supergraphSdl: string): Map<string, string[]> {
  const document = parse(supergraphSdl);
  const graphs = graphNames(document);
  const shared = new Map<string, string[]>();
  for (const type of typeDefinitions(document)) {
    if (type.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const typeJoins = joinDirectives(type.directives, 'join__type');
    const keyFields = new Set(typeJoins.flatMap((join) => topLevelFields(stringArgument(join, 'key') ?? '')));
    const typeGraphs = typeJoins.map((join) => stringArgument(join, 'graph'));
    for (const field of type.fields ?? []) {
      if (keyFields.has(field.name.value)) continue;
      const joins = joinDirectives(field.directives, 'join__field');
      const resolving =
        joins.length === 0
          ? typeGraphs
          : joins.filter((join) => !booleanArgument(join, 'external') && !booleanArgument(join, 'usedOverridden')).map((join) => stringArgument(join, 'graph'));
      const names = [...new Set(resolving.filter((graph): graph is string => !!graph).map((graph) => graphs.get(graph) ?? graph))].sort();
      if (names.length > 1) shared.set(`${type.name.value}.${field.name.value}`, names);
    }
  }
  return shared;
}

/** Field names at the top level of a key's field set (`"id"`, `"id sku"`, `"id org { id }"`). */
function topLevelFields(fieldSet: string): string[] {
  const names: string[] = [];
  let depth = 0;
  for (const token of fieldSet.match(/[{}]|[_A-Za-z][_0-9A-Za-z]*/g) ?? []) {
    if (token === '{') depth++;
    else if (token === '}') depth--;
    else if (depth === 0) names.push(token);
  }
  return names;
}
