import type { QueryPlanSelectionNode } from '@apollo/query-planner';
import { applyRewrites, isObjectOfType, type CompiledRewrite } from './data-rewrites.js';
import { mergeInto } from './merge.js';
import type { ExecutionSchema } from './schema-index.js';
import { hasOwn, newResultObject, type ResultObject } from './types.js';

/**
 * Builds the `_entities` representations of one entity fetch straight from the result tree, and
 * sends each distinct one once: entities reached twice (the same customer on two orders) share a
 * representation, and the answer is fanned back to each of them.
 */

/** What one entity fetch sends, and for whom: parallel arrays, one element per entity that got a representation. */
export interface RepresentationBatch {
  /** What is sent, one per distinct representation. */
  representations: ResultObject[];
  /** The entities that got a representation, in order (an entity's request index is its position here). */
  entities: ResultObject[];
  /** Each one's position among the entities given. */
  entityIndexes: number[];
  /** Each one's index in `representations`. */
  sentIndexes: number[];
}

/** How a fetch's representations are built, worked out once per prepared plan. */
export interface RepresentationRecipe {
  requires: readonly QueryPlanSelectionNode[];
  inputRewrites?: CompiledRewrite[];
  /**
   * When `requires` is one `... on T` of leaf fields, `__typename` among them, and nothing rewrites
   * the representation (the usual entity key), the dedupe key is read straight off the entity, and
   * only the first entity with that key pays for a representation object.
   */
  flat?: { typeCondition: string; fields: readonly string[] };
}

export function representationRecipe(requires: readonly QueryPlanSelectionNode[], inputRewrites: CompiledRewrite[] | undefined): RepresentationRecipe {
  const recipe: RepresentationRecipe = { requires };
  if (inputRewrites) recipe.inputRewrites = inputRewrites;
  const only = requires[0];
  if (inputRewrites || requires.length !== 1 || only?.kind !== 'InlineFragment' || !only.typeCondition) return recipe;
  const fields: string[] = [];
  for (const selection of only.selections) {
    if (selection.kind !== 'Field' || selection.selections) return recipe;
    fields.push(selection.alias ?? selection.name);
  }
  if (fields.includes('__typename')) recipe.flat = { typeCondition: only.typeCondition, fields };
  return recipe;
}

export function buildRepresentations(schema: ExecutionSchema, entities: readonly ResultObject[], recipe: RepresentationRecipe): RepresentationBatch {
  const batch: RepresentationBatch = { representations: [], entities: [], entityIndexes: [], sentIndexes: [] };
  const flat = recipe.flat;
  const byJson = flat ? undefined : new Map<string, number>();
  const byValues: KeyTrie | undefined = flat ? new Map() : undefined;
  for (let entityIndex = 0; entityIndex < entities.length; entityIndex++) {
    const entity = entities[entityIndex]!;
    let sentIndex: number | undefined;
    if (flat) {
      // The representation is empty (so skipped) unless the entity is of the fragment's type.
      if (!isObjectOfType(schema, entity, flat.typeCondition, false) || !hasKeyFields(entity, flat.fields)) continue;
      let node = byValues!;
      const last = flat.fields.length - 1;
      for (let index = 0; index < last; index++) {
        const value = entity[flat.fields[index]!];
        const map = slotMap(node, value);
        const key = slotKey(value);
        let child = map.get(key) as KeyTrie | undefined;
        if (!child) map.set(key, (child = new Map()));
        node = child;
      }
      const value = entity[flat.fields[last]!];
      const map = slotMap(node, value);
      const key = slotKey(value);
      sentIndex = map.get(key) as number | undefined;
      if (sentIndex === undefined) {
        sentIndex = batch.representations.push(selectFromResult(schema, entity, recipe.requires)!) - 1;
        map.set(key, sentIndex);
      }
    } else {
      const representation = selectFromResult(schema, entity, recipe.requires);
      // An entity missing its key fields (an earlier fetch failed for it) cannot be fetched: skipped.
      if (!representation || !representation.__typename) continue;
      applyRewrites(schema, recipe.inputRewrites, representation);
      const key = JSON.stringify(representation);
      sentIndex = byJson!.get(key);
      if (sentIndex === undefined) {
        sentIndex = batch.representations.push(representation) - 1;
        byJson!.set(key, sentIndex);
      }
    }
    batch.entities.push(entity);
    batch.entityIndexes.push(entityIndex);
    batch.sentIndexes.push(sentIndex);
  }
  return batch;
}

/**
 * Sent indexes by the entity's key values, one map level per field: two entities reach the same
 * slot exactly when their representations' JSON is equal, and no key text is built. Strings,
 * finite numbers and booleans are map keys as they are (a string `"1"` and a number `1` stay
 * apart, as in JSON); any other value is keyed by its JSON text in a map of its own.
 */
type KeyTrie = Map<unknown, unknown>;

const BY_JSON_TEXT = Symbol('values keyed by their JSON text');

function isPlainKey(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function slotMap(node: KeyTrie, value: unknown): KeyTrie {
  if (isPlainKey(value)) return node;
  let map = node.get(BY_JSON_TEXT) as KeyTrie | undefined;
  if (!map) node.set(BY_JSON_TEXT, (map = new Map()));
  return map;
}

function slotKey(value: unknown): unknown {
  return isPlainKey(value) ? value : JSON.stringify(value);
}

/** Whether the entity gets a representation: every key field present (an earlier fetch may have failed for it), a `__typename`. */
function hasKeyFields(entity: ResultObject, fields: readonly string[]): boolean {
  for (const field of fields) {
    const value = hasOwn(entity, field) ? entity[field] : undefined;
    if (value === undefined || (field === '__typename' && !value)) return false;
  }
  return true;
}

/**
 * Reads `selections` out of a result object. `null` when a selected field is absent: the caller
 * then has no representation (top level) or a `null` value (nested), as in @apollo/gateway.
 */
function selectFromResult(schema: ExecutionSchema, source: unknown, selections: readonly QueryPlanSelectionNode[]): ResultObject | null {
  if (source === null) return null;
  const object = source as ResultObject;
  const result: ResultObject = newResultObject();
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const responseName = selection.alias ?? selection.name;
      const value = hasOwn(object, responseName) ? object[responseName] : undefined;
      if (value === undefined) return null;
      const nested = selection.selections;
      if (Array.isArray(value)) {
        result[responseName] = value.map((element: unknown) => (nested ? selectFromResult(schema, element, nested) : element));
      } else if (nested) {
        result[responseName] = selectFromResult(schema, value, nested);
      } else {
        result[responseName] = value;
      }
    } else if (selection.typeCondition && isObjectOfType(schema, object, selection.typeCondition, false)) {
      mergeInto(result, selectFromResult(schema, object, selection.selections));
    }
  }
  return result;
}
