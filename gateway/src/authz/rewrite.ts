import { createHash } from 'node:crypto';
import {
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  print,
  type DocumentNode,
  type FieldNode,
  type InlineFragmentNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { AccessChecker } from './access.js';
import { conditionsOf, type Condition } from './conditions.js';
import { inlineFragments } from './fragments.js';
import { nullTarget, positionKey, TYPENAME_ALIAS, type Step } from './paths.js';

/** One field removed from the operation, and how to answer for it. */
export interface Denial {
  /** `Type.field` as selected (the interface's coordinate when selected on an interface). */
  coordinate: string;
  /** From the root to the removed field's key. */
  steps: readonly Step[];
  /** Index in `steps` where null is written (nearest nullable position), -1 for `data`. */
  nullAt: number;
  /** `@skip`/`@include` on the way: the field counts only when they all hold. */
  conditions: readonly Condition[];
  /** Response keys of the removed field's selection set in the client's order (all its occurrences). */
  order: readonly string[];
}

/** The operation the caller may run, with what is needed to answer for the removed fields. */
export interface Rewrite {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** Printed rewritten document and its sha256: the query-plan cache key of the rewritten operation. */
  source: string;
  queryHash: string;
  denials: readonly Denial[];
  /** Positions of objects whose selection set got a `TYPENAME_ALIAS` field, removed from the answer. */
  placeholders: readonly (readonly Step[])[];
}

interface Position {
  steps: readonly Step[];
  /** The type of the object at this position (the field's named type). */
  staticType: GraphQLCompositeType;
  /** Runtime types the enclosing fragments allow, when narrower than `staticType`'s. */
  guard: ReadonlySet<string> | undefined;
  order: string[];
}

interface WalkState {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  access: AccessChecker;
  denials: Denial[];
  placeholders: Map<string, readonly Step[]>;
  orders: Map<string, string[]>;
}

const TYPENAME_FIELD: FieldNode = {
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: TYPENAME_ALIAS },
  name: { kind: Kind.NAME, value: '__typename' },
};

/**
 * Removes from `operation` every field the caller may not read, before planning, so no subgraph
 * is ever asked for it. Returns null when nothing is removed (the original is executed as is).
 */
export function rewriteOperation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, access: AccessChecker): Rewrite | null {
  const root = rootType(schema, operation);
  const inlined = inlineFragments(document, operation);
  const state: WalkState = { schema, operation, access, denials: [], placeholders: new Map(), orders: new Map() };
  const rootPosition: Position = { steps: [], staticType: root, guard: undefined, order: orderFor(state, []) };
  const walked = walkSelections(state, inlined.selectionSet, root, rootPosition, []);
  if (state.denials.length === 0) return null;
  const selections = walked.selections.length > 0 ? walked.selections : [TYPENAME_FIELD];
  if (walked.selections.length === 0) state.placeholders.set(positionKey([]), []);
  const rewritten: OperationDefinitionNode = { ...inlined, selectionSet: { ...inlined.selectionSet, selections } };
  const rewrittenDocument: DocumentNode = { kind: Kind.DOCUMENT, definitions: [rewritten] };
  const source = print(rewrittenDocument);
  return {
    document: rewrittenDocument,
    operation: rewritten,
    source,
    queryHash: createHash('sha256').update(source).digest('hex'),
    denials: state.denials,
    placeholders: [...state.placeholders.values()],
  };
}

function keyStep(key: string, nullable: boolean, guard: ReadonlySet<string> | undefined): Step {
  return guard ? { kind: 'key', key, nullable, guard } : { kind: 'key', key, nullable };
}

function onType(type: string, field: FieldNode): InlineFragmentNode {
  return {
    kind: Kind.INLINE_FRAGMENT,
    typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: type } },
    selectionSet: { kind: Kind.SELECTION_SET, selections: [field] },
  };
}

function rootType(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLCompositeType {
  const type = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  if (!type) throw new Error(`the schema has no ${operation.operation} type`);
  return type;
}

function orderFor(state: WalkState, steps: readonly Step[]): string[] {
  const key = positionKey(steps);
  let order = state.orders.get(key);
  if (!order) state.orders.set(key, (order = []));
  return order;
}

/** Steps into the items of a (possibly nested) list type, with their nullability. */
function itemSteps(type: GraphQLOutputType): Step[] {
  const steps: Step[] = [];
  let current = isNonNullType(type) ? type.ofType : type;
  while (isListType(current)) {
    const item: GraphQLOutputType = current.ofType;
    steps.push({ kind: 'item', nullable: !isNonNullType(item) });
    current = isNonNullType(item) ? item.ofType : item;
  }
  return steps;
}

function possibleTypes(schema: GraphQLSchema, type: GraphQLCompositeType): ReadonlySet<string> {
  return new Set(isObjectType(type) ? [type.name] : schema.getPossibleTypes(type).map((t) => t.name));
}

/** The guard of a fragment on `target` at `position`: undefined when it matches every object there. */
function narrow(schema: GraphQLSchema, position: Position, target: GraphQLCompositeType): ReadonlySet<string> | undefined {
  const all = possibleTypes(schema, position.staticType);
  const current = position.guard ?? all;
  const matching = new Set([...possibleTypes(schema, target)].filter((name) => current.has(name)));
  return matching.size === all.size ? undefined : matching;
}

/**
 * Walks one selection set in document order (GraphQL's field collection order), returning the
 * selections kept and whether the object here needs its `__typename` to check a guard.
 */
function walkSelections(
  state: WalkState,
  selectionSet: SelectionSetNode,
  scope: GraphQLCompositeType,
  position: Position,
  conditions: readonly Condition[],
): { selections: SelectionNode[]; needsTypename: boolean } {
  const kept: SelectionNode[] = [];
  let needsTypename = false;
  for (const selection of selectionSet.selections) {
    const own = [...conditions, ...conditionsOf(selection.directives, state.operation)];
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const target = selection.typeCondition ? (state.schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType) : scope;
      const guard = narrow(state.schema, position, target);
      const inner = walkSelections(state, selection.selectionSet, target, { ...position, guard }, own);
      needsTypename ||= inner.needsTypename;
      // An empty selection set is not valid GraphQL; a fragment left empty selects nothing anyway.
      if (inner.selections.length > 0) kept.push({ ...selection, selectionSet: { ...selection.selectionSet, selections: inner.selections } });
      continue;
    }
    if (selection.kind !== Kind.FIELD) throw new Error('fragment spreads are inlined before the walk');
    const name = selection.name.value;
    const key = selection.alias?.value ?? name;
    if (!position.order.includes(key)) position.order.push(key);
    // Meta fields (__typename, introspection) carry no policy; the API schema has no other `__` fields.
    const definition = name.startsWith('__') || !('getFields' in scope) ? undefined : scope.getFields()[name];
    if (!definition) {
      kept.push(selection);
      continue;
    }
    const nullable = !isNonNullType(definition.type);
    const candidates = position.guard ?? possibleTypes(state.schema, position.staticType);
    const denied = state.access.deniedOn(scope, name, candidates);
    if (denied.length > 0 && denied.length === candidates.size) {
      const steps = [...position.steps, keyStep(key, nullable, position.guard)];
      state.denials.push({ coordinate: `${scope.name}.${name}`, steps, nullAt: nullTarget(steps), conditions: own, order: position.order });
      needsTypename ||= position.guard !== undefined;
      continue;
    }
    if (denied.length > 0) {
      // Denied on some implementations only: each allowed one reads it in a fragment of its own.
      for (const type of denied) {
        const steps = [...position.steps, keyStep(key, nullable, new Set([type]))];
        state.denials.push({ coordinate: `${type}.${name}`, steps, nullAt: nullTarget(steps), conditions: own, order: position.order });
      }
      const allowed = [...candidates].filter((type) => !denied.includes(type));
      const perType = walkSelections(state, { kind: Kind.SELECTION_SET, selections: allowed.map((type) => onType(type, selection)) }, scope, position, conditions);
      kept.push(...perType.selections);
      needsTypename = true;
      continue;
    }
    const steps = [...position.steps, keyStep(key, nullable, position.guard)];
    if (!selection.selectionSet) {
      kept.push(selection);
      continue;
    }
    const childSteps = [...steps, ...itemSteps(definition.type)];
    const childType = getNamedType(definition.type) as GraphQLCompositeType;
    const before = state.denials.length;
    const child = walkSelections(state, selection.selectionSet, childType, { steps: childSteps, staticType: childType, guard: undefined, order: orderFor(state, childSteps) }, own);
    // A removal below is found in the answer through this key, so its guard must be checkable.
    needsTypename ||= position.guard !== undefined && state.denials.length > before;
    let selections = child.selections;
    if (child.needsTypename || selections.length === 0) {
      selections = [...selections, TYPENAME_FIELD];
      state.placeholders.set(positionKey(childSteps), childSteps);
    }
    kept.push({ ...selection, selectionSet: { ...selection.selectionSet, selections } });
  }
  return { selections: kept, needsTypename };
}
