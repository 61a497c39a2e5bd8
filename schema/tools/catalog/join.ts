import { Kind, parse, type ConstDirectiveNode, type ConstValueNode, type DocumentNode } from 'graphql';
import { argumentValue, booleanArgument, graphNames, joinDirectives, stringArgument } from '../lib/supergraph-sdl.js';

/**
 * What the raw supergraph says beyond the API schema: which subgraph declares each type (and with
 * which keys), which subgraphs resolve each field, and `@owner(team:)` overrides. The API schema
 * drops all of these directives, so they are read from the SDL as composed.
 */
export interface JoinInfo {
  /** Type name → subgraphs declaring it (sorted, unique). */
  typeGraphs: Map<string, string[]>;
  /** Type name → subgraphs that declare a resolvable `@key` on it (entity owners' candidates). */
  keyGraphs: Map<string, string[]>;
  /** Type name → key field sets, as written (`id`, `email`). */
  keys: Map<string, string[]>;
  /** `Type.field` → subgraphs that resolve it; absent when the field has no `@join__field` (all the type's subgraphs). */
  fieldGraphs: Map<string, string[]>;
  /** `Type` or `Type.field` → team named by `@owner(team:)`. */
  ownerTeams: Map<string, string>;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sortedUnique = (values: Iterable<string>) => [...new Set(values)].sort(compare);

/** The text of a string or enum value (import lists hold both). */
function text(value: ConstValueNode | undefined): string | undefined {
  return value?.kind === Kind.STRING || value?.kind === Kind.ENUM ? value.value : undefined;
}

/** The local name of the composed `@owner` directive: its `@link` may import it under another name. */
function ownerDirectiveName(document: DocumentNode): string {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      const imports = link.name.value === 'link' ? argumentValue(link, 'import') : undefined;
      if (imports?.kind !== Kind.LIST) continue;
      for (const entry of imports.values) {
        if (entry.kind === Kind.OBJECT) {
          const name = entry.fields.find((f) => f.name.value === 'name');
          const alias = entry.fields.find((f) => f.name.value === 'as');
          if (text(name?.value) === '@owner' && text(alias?.value)) return text(alias?.value)!.replace(/^@/, '');
        }
      }
    }
  }
  return 'owner';
}

function ownerTeam(directives: readonly ConstDirectiveNode[] | undefined, name: string): string | undefined {
  const owner = directives?.find((d) => d.name.value === name);
  return owner ? stringArgument(owner, 'team') : undefined;
}

type Definition = DocumentNode['definitions'][number];
type TypeDefinition = Extract<Definition, { name: { value: string }; directives?: readonly ConstDirectiveNode[] }>;

export function readJoinInfo(supergraphSdl: string): JoinInfo {
  const document = parse(supergraphSdl);
  const graphs = graphNames(document);
  const ownerName = ownerDirectiveName(document);
  const info: JoinInfo = { typeGraphs: new Map(), keyGraphs: new Map(), keys: new Map(), fieldGraphs: new Map(), ownerTeams: new Map() };
  const graphOf = (directive: ConstDirectiveNode) => {
    const graph = stringArgument(directive, 'graph');
    return graph === undefined ? undefined : (graphs.get(graph) ?? graph);
  };
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name || definition.kind === Kind.DIRECTIVE_DEFINITION) continue;
    const type = definition as TypeDefinition;
    const name = type.name.value;
    const joins = joinDirectives(type.directives, 'join__type');
    info.typeGraphs.set(name, sortedUnique(joins.map(graphOf).filter((g): g is string => !!g)));
    const keyed = joins.filter((d) => argumentValue(d, 'key') && !(argumentValue(d, 'resolvable')?.kind === Kind.BOOLEAN && !booleanArgument(d, 'resolvable')));
    if (keyed.length > 0) {
      info.keyGraphs.set(name, sortedUnique(keyed.map(graphOf).filter((g): g is string => !!g)));
      info.keys.set(name, sortedUnique(keyed.map((d) => stringArgument(d, 'key')!)));
    }
    const team = ownerTeam(type.directives, ownerName);
    if (team) info.ownerTeams.set(name, team);
    const fields = 'fields' in type && Array.isArray(type.fields) ? type.fields : [];
    for (const field of fields as { name: { value: string }; directives?: readonly ConstDirectiveNode[] }[]) {
      const coordinate = `${name}.${field.name.value}`;
      const joinFields = joinDirectives(field.directives, 'join__field');
      const withGraph = joinFields.filter((d) => graphOf(d) !== undefined);
      // An @external or overridden copy of a field is declared in that subgraph but not resolved there.
      const resolving = withGraph.filter((d) => !booleanArgument(d, 'external') && !booleanArgument(d, 'usedOverridden'));
      if (withGraph.length > 0) info.fieldGraphs.set(coordinate, sortedUnique(resolving.map((d) => graphOf(d)!)));
      const fieldTeam = ownerTeam(field.directives, ownerName);
      if (fieldTeam) info.ownerTeams.set(coordinate, fieldTeam);
    }
  }
  return info;
}

/** The subgraphs resolving `Type.field`: its `@join__field` graphs, else every subgraph declaring the type. */
export function resolvingGraphs(info: JoinInfo, typeName: string, fieldName: string): string[] {
  return info.fieldGraphs.get(`${typeName}.${fieldName}`) ?? info.typeGraphs.get(typeName) ?? [];
}
