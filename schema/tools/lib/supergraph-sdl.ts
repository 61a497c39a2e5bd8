import { Kind, parse, type ConstDirectiveNode, type ConstValueNode, type DocumentNode } from 'graphql';

/**
 * Reading the join directives of a composed supergraph: which subgraph contributes, resolves or
 * keys which type and field. The API schema drops them, so schema:check's rules and the catalog
 * read the SDL.
 */
export function argumentValue(directive: ConstDirectiveNode, name: string): ConstValueNode | undefined {
  return directive.arguments?.find((argument) => argument.name.value === name)?.value;
}

export function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = argumentValue(directive, name);
  return value?.kind === Kind.STRING || value?.kind === Kind.ENUM ? value.value : undefined;
}

export function booleanArgument(directive: ConstDirectiveNode, name: string): boolean {
  const value = argumentValue(directive, name);
  return value?.kind === Kind.BOOLEAN && value.value;
}

/** join__Graph enum value → subgraph name. */
export function graphNames(document: DocumentNode): Map<string, string> {
  const names = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const graph = value.directives?.find((directive) => directive.name.value === 'join__graph');
      names.set(value.name.value, (graph && stringArgument(graph, 'name')) ?? value.name.value.toLowerCase());
    }
  }
  return names;
}

export function joinDirectives(directives: readonly ConstDirectiveNode[] | undefined, name: string): ConstDirectiveNode[] {
  return (directives ?? []).filter((directive) => directive.name.value === name);
}

export function isInternalType(name: string): boolean {
  return name.startsWith('join__') || name.startsWith('link__') || name.startsWith('__');
}

type Definition = DocumentNode['definitions'][number];

/** Named type definitions of the supergraph, federation machinery left out. */
export function typeDefinitions(document: DocumentNode): Array<Extract<Definition, { name: { value: string } }> & { directives?: readonly ConstDirectiveNode[] }> {
  return document.definitions.filter(
    (definition): definition is Extract<Definition, { name: { value: string } }> & { directives?: readonly ConstDirectiveNode[] } =>
      'name' in definition && !!definition.name && definition.kind !== Kind.DIRECTIVE_DEFINITION && !isInternalType(definition.name.value),
  );
}

/**
 * Coordinate → subgraphs that contribute it: types from `@join__type`, fields and input fields
 * from `@join__field` (external ones left out) or else their type's graphs, enum values from
 * `@join__enumValue`. Arguments belong to their field (see contributorsOf).
 */
export function contributorMap(supergraphSdl: string): Map<string, string[]> {
  const document = parse(supergraphSdl);
  const graphs = graphNames(document);
  const graphOf = (directive: ConstDirectiveNode) => {
    const graph = stringArgument(directive, 'graph');
    return graph ? (graphs.get(graph) ?? graph) : undefined;
  };
  const unique = (names: Array<string | undefined>) => [...new Set(names.filter((name): name is string => !!name))].sort();
  const map = new Map<string, string[]>();
  for (const type of typeDefinitions(document)) {
    const typeGraphs = unique(joinDirectives(type.directives, 'join__type').map(graphOf));
    map.set(type.name.value, typeGraphs);
    const members = 'fields' in type ? (type.fields ?? []) : 'values' in type ? (type.values ?? []) : [];
    for (const member of members) {
      const joins = [...joinDirectives(member.directives, 'join__field'), ...joinDirectives(member.directives, 'join__enumValue')];
      const own = unique(joins.filter((join) => !booleanArgument(join, 'external')).map(graphOf));
      map.set(`${type.name.value}.${member.name.value}`, joins.length > 0 ? own : typeGraphs);
    }
  }
  return map;
}

/** Subgraphs contributing a coordinate, falling back to its parent (an argument → its field). */
export function contributorsOf(map: ReadonlyMap<string, string[]>, coordinate: string): string[] {
  let current = coordinate.includes('(') ? coordinate.slice(0, coordinate.indexOf('(')) : coordinate;
  for (;;) {
    const found = map.get(current);
    if (found) return found;
    const dot = current.lastIndexOf('.');
    if (dot < 0) return [];
    current = current.slice(0, dot);
  }
}
