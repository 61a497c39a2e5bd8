import { getNamedType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import { compareText } from '../scopes-expr.js';
import { resolvingGraphs, type JoinInfo } from './join.js';

/** One subgraph depending on an entity another subgraph owns, through one field. */
export interface Reference {
  from: string;
  to: string;
  /** The field that makes the reference, `Type.field`. */
  via: string;
  /** `extends`: `from` adds the field to `to`'s entity; `returns`: the field returns `to`'s entity. */
  kind: 'extends' | 'returns';
}

/**
 * The subgraph each type is filed under. Federation 2 has no "owner" of a type, so the rule is: the
 * only subgraph declaring it; else the subgraph resolving the most of its fields that no other
 * subgraph resolves (ties: first by name). Root types, and value types every declaring subgraph
 * resolves alike (Money, PageInfo, DateTime), belong to nobody: null.
 */
export function typeHomes(join: JoinInfo, fieldNames: ReadonlyMap<string, readonly string[]>, rootTypes: ReadonlySet<string>): Map<string, string | null> {
  const homes = new Map<string, string | null>();
  for (const [typeName, graphs] of join.typeGraphs) {
    if (rootTypes.has(typeName) || graphs.length === 0) {
      homes.set(typeName, null);
      continue;
    }
    if (graphs.length === 1) {
      homes.set(typeName, graphs[0]!);
      continue;
    }
    const exclusive = new Map<string, number>();
    for (const field of fieldNames.get(typeName) ?? []) {
      const resolving = resolvingGraphs(join, typeName, field);
      if (resolving.length === 1) exclusive.set(resolving[0]!, (exclusive.get(resolving[0]!) ?? 0) + 1);
    }
    const ranked = [...exclusive].sort(([a, countA], [b, countB]) => countB - countA || compareText(a, b));
    homes.set(typeName, ranked[0]?.[0] ?? null);
  }
  return homes;
}

/** Field names of every object, interface and input type of the API schema. */
export function fieldNamesOf(schema: GraphQLSchema): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const type of Object.values(schema.getTypeMap())) {
    if ('getFields' in type) names.set(type.name, Object.keys(type.getFields()));
  }
  return names;
}

/**
 * Which subgraph references which entity of which other: a subgraph that resolves a field on an
 * entity filed under another subgraph (and not resolved there), or a field returning such an entity.
 */
export function subgraphReferences(schema: GraphQLSchema, join: JoinInfo, homes: ReadonlyMap<string, string | null>): Reference[] {
  const isEntity = (typeName: string) => join.keys.has(typeName);
  const found = new Map<string, Reference>();
  const add = (reference: Reference) => {
    const id = `${reference.from} ${reference.to} ${reference.via}`;
    if (!found.has(id)) found.set(id, reference);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    const owner = isEntity(type.name) ? homes.get(type.name) : null;
    for (const field of Object.values(type.getFields())) {
      const via = `${type.name}.${field.name}`;
      const resolving = resolvingGraphs(join, type.name, field.name);
      const returned = getNamedType(field.type).name;
      const returnedOwner = isEntity(returned) ? homes.get(returned) : null;
      for (const from of resolving) {
        if (owner && owner !== from && !resolving.includes(owner)) add({ from, to: owner, via, kind: 'extends' });
        if (returnedOwner && returnedOwner !== from) add({ from, to: returnedOwner, via, kind: 'returns' });
      }
    }
  }
  return [...found.values()].sort((a, b) => compareText(a.from, b.from) || compareText(a.to, b.to) || compareText(a.via, b.via));
}
