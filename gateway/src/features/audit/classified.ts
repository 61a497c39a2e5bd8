import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getDirectiveValues,
  getNamedType,
  getVariableValues,
  isAbstractType,
  isLeafType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLAbstractType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  visit as visitAst,
} from 'graphql';

/** A classified field the response delivered: its schema coordinate, its tags, how many non-null values. */
export interface ClassifiedDelivery {
  coordinate: string;
  tags: string[];
  count: number;
}

/** The classification tags of a schema coordinate (`Type.field`); empty or undefined when unclassified. */
export type TagLookup = (coordinate: string) => readonly string[] | undefined;

export interface DeliveredInput {
  /** The API schema the operation was validated against. */
  schema: GraphQLSchema;
  /** The operation as the client sent it (before any authorization rewrite): the final answer has its shape. */
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Readonly<Record<string, unknown>> | undefined;
  /** The final `data` sent to the client. */
  data: unknown;
  tagsOf: TagLookup;
}

/** One response key of a selection on one object type, with everything the walk needs worked out once. */
interface CollectedField {
  key: string;
  name: string;
  nodes: FieldNode[];
  /** Classification tags of `Type.field` and of the same field on the type's interfaces (sorted). */
  tags: readonly string[];
  coordinate: string;
  /** The field's named type; undefined for introspection fields, which the walk skips. */
  named: GraphQLNamedType | undefined;
  subSets: SelectionSetNode[];
  /** Whether a classified field can be selected below this one: when not, its value is not walked. */
  classifiedBelow: boolean;
}

interface Collected {
  byKey: Map<string, CollectedField>;
  fields: CollectedField[];
}

/** What the walk works out from the operation alone, kept with the document for its next request. */
interface WalkCaches {
  /** Collected fields per (selection owner, runtime type): a list of 1000 objects collects once. */
  collected: WeakMap<object, Map<string, Collected>>;
  tags: Map<string, readonly string[]>;
}

/**
 * Per document (Apollo Server hands the same parsed document to every request with the same query
 * text), then per schema and policy (as `mayDeliverClassified` keeps its verdicts: during a hot
 * reload two versions read the same text), for documents whose selections do not depend on
 * variables (no `@skip`/`@include`, else `null`): their collected fields are the same on every
 * request, so only the walk over the answer is per request.
 */
const cachesByDocument = new WeakMap<DocumentNode, WeakMap<GraphQLSchema, WeakMap<TagLookup, WalkCaches>> | null>();

function walkCaches(schema: GraphQLSchema, document: DocumentNode, tagsOf: TagLookup): WalkCaches {
  let bySchema = cachesByDocument.get(document);
  if (bySchema === undefined) {
    bySchema = hasConditionalSelections(document) ? null : new WeakMap();
    cachesByDocument.set(document, bySchema);
  }
  if (bySchema === null) return { collected: new WeakMap(), tags: new Map() };
  let byPolicy = bySchema.get(schema);
  if (!byPolicy) bySchema.set(schema, (byPolicy = new WeakMap()));
  let caches = byPolicy.get(tagsOf);
  if (!caches) byPolicy.set(tagsOf, (caches = { collected: new WeakMap(), tags: new Map() }));
  return caches;
}

function hasConditionalSelections(document: DocumentNode): boolean {
  let found = false;
  visitAst(document, {
    Directive(node) {
      if (node.name.value === 'skip' || node.name.value === 'include') found = true;
    },
  });
  return found;
}

/**
 * The classified fields a response actually delivered: the `data` is walked together with the
 * operation, each response key mapped back to its schema coordinate (aliases, named and inline
 * fragments, `@skip`/`@include`, lists at any depth). A field counts once per non-null value.
 * Objects of an interface or union type are matched to their concrete type by `__typename` when
 * selected, else by the exact set of response keys each possible type would produce; if several
 * types still fit, each one's classified fields are counted (over-reporting, never under-reporting).
 * A field on an object type also carries the tags of the same field on the interfaces it implements.
 */
export function deliveredClassified(input: DeliveredInput): ClassifiedDelivery[] {
  const { schema, document, operation, data } = input;
  const root = schema.getRootType(operation.operation);
  if (!root || !isRecord(data)) return [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const variables = coerceVariables(schema, operation, input.variables);
  const counts = new Map<string, ClassifiedDelivery>();
  const { tags: tagCache, collected: collectedCache } = walkCaches(schema, document, input.tagsOf);

  const included = (node: FieldNode | SelectionSetNode['selections'][number]): boolean => {
    if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
  };
  const applies = (condition: string | undefined, type: GraphQLObjectType): boolean => {
    if (condition === undefined || condition === type.name) return true;
    const conditionType = schema.getType(condition);
    return !!conditionType && isAbstractType(conditionType) && schema.isSubType(conditionType, type);
  };

  const collect = (type: GraphQLObjectType, owner: object, sets: readonly SelectionSetNode[]): Collected => {
    let byType = collectedCache.get(owner);
    if (!byType) collectedCache.set(owner, (byType = new Map()));
    const cached = byType.get(type.name);
    if (cached) return cached;
    const nodesByKey = new Map<string, { name: string; nodes: FieldNode[] }>();
    const visited = new Set<string>();
    const visit = (set: SelectionSetNode) => {
      for (const selection of set.selections) {
        if (!included(selection)) continue;
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          const entry = nodesByKey.get(key);
          if (entry) entry.nodes.push(selection);
          else nodesByKey.set(key, { name: selection.name.value, nodes: [selection] });
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (applies(selection.typeCondition?.name.value, type)) visit(selection.selectionSet);
        } else {
          const fragment = fragments.get(selection.name.value);
          if (!fragment || visited.has(fragment.name.value) || !applies(fragment.typeCondition.name.value, type)) continue;
          visited.add(fragment.name.value);
          visit(fragment.selectionSet);
        }
      }
    };
    sets.forEach(visit);
    const definitions = type.getFields();
    const collected: Collected = { byKey: new Map(), fields: [] };
    // Cached before the fields below are examined: a recursive selection reaches this entry again.
    byType.set(type.name, collected);
    for (const [key, { name, nodes }] of nodesByKey) {
      const definition = definitions[name];
      const named = definition ? getNamedType(definition.type) : undefined;
      const subSets = nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
      const field: CollectedField = { key, name, nodes, tags: tagsFor(type, name), coordinate: `${type.name}.${name}`, named, subSets, classifiedBelow: false };
      collected.byKey.set(key, field);
      collected.fields.push(field);
    }
    for (const field of collected.fields) field.classifiedBelow = !!field.named && !isLeafType(field.named) && selectsClassified(field.named, field.nodes, field.subSets);
    return collected;
  };

  /** Whether the selection under a field of type `type` can deliver a classified field (on any of its possible types). */
  const selectsClassified = (type: GraphQLNamedType, owner: object, sets: readonly SelectionSetNode[]): boolean => {
    const runtimes = isObjectType(type) ? [type] : isAbstractType(type) ? schema.getPossibleTypes(type) : [];
    return runtimes.some((runtime) => collect(runtime, owner, sets).fields.some((field) => field.tags.length > 0 || field.classifiedBelow));
  };

  const tagsFor = (type: GraphQLObjectType, field: string): readonly string[] => {
    const coordinate = `${type.name}.${field}`;
    let tags = tagCache.get(coordinate);
    if (!tags) {
      const all = new Set(input.tagsOf(coordinate) ?? []);
      for (const iface of type.getInterfaces()) for (const tag of input.tagsOf(`${iface.name}.${field}`) ?? []) all.add(tag);
      tags = [...all].sort();
      tagCache.set(coordinate, tags);
    }
    return tags;
  };

  const runtimeTypes = (type: GraphQLAbstractType, owner: object, sets: readonly SelectionSetNode[], value: Record<string, unknown>) => {
    const candidates = schema.getPossibleTypes(type);
    const keys = Object.keys(value);
    const fitting: GraphQLObjectType[] = [];
    const notRuledOut: GraphQLObjectType[] = [];
    for (const candidate of candidates) {
      const { byKey, fields } = collect(candidate, owner, sets);
      let typename: boolean | undefined;
      for (const field of fields) {
        if (field.name === '__typename' && typeof value[field.key] === 'string') typename = value[field.key] === candidate.name;
      }
      if (typename === true) return [candidate];
      if (typename === false) continue;
      notRuledOut.push(candidate);
      if (byKey.size === keys.length && keys.every((key) => byKey.has(key))) fitting.push(candidate);
    }
    return fitting.length > 0 ? fitting : notRuledOut;
  };

  const visitValue = (type: GraphQLNamedType, owner: object, sets: readonly SelectionSetNode[], value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visitValue(type, owner, sets, item);
      return;
    }
    if (!isRecord(value)) return;
    if (isObjectType(type)) visitObject(type, owner, sets, value);
    else if (isAbstractType(type)) for (const runtime of runtimeTypes(type, owner, sets, value)) visitObject(runtime, owner, sets, value);
  };

  const visitObject = (type: GraphQLObjectType, owner: object, sets: readonly SelectionSetNode[], value: Record<string, unknown>): void => {
    for (const field of collect(type, owner, sets).fields) {
      const fieldValue = value[field.key];
      // Introspection fields (`__typename`, `__schema`, `__type`) are not in the type's fields.
      if (fieldValue === null || fieldValue === undefined || !field.named) continue;
      if (field.tags.length > 0) {
        const entry = counts.get(field.coordinate);
        if (entry) entry.count++;
        else counts.set(field.coordinate, { coordinate: field.coordinate, tags: [...field.tags], count: 1 });
      }
      if (field.classifiedBelow) visitValue(field.named, field.nodes, field.subSets, fieldValue);
    }
  };

  visitObject(root, operation, [operation.selectionSet], data);
  return [...counts.values()].sort((a, b) => (a.coordinate < b.coordinate ? -1 : a.coordinate > b.coordinate ? 1 : 0));
}

/** The values `@skip`/`@include` saw; variables that did not coerce failed the request before execution anyway. */
function coerceVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, raw: DeliveredInput['variables']) {
  try {
    return getVariableValues(schema, operation.variableDefinitions ?? [], { ...raw }).coerced ?? {};
  } catch {
    return {};
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
