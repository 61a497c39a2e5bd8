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
  const indexByKey = new Map<string, number>();
  const flat = recipe.flat;
  for (let entityIndex = 0; entityIndex < entities.length; entityIndex++) {
    const entity = entities[entityIndex]!;
    let representation: ResultObject | null = null;
    let key: string | undefined;
    if (flat) {
      // The representation is empty (so skipped) unless the entity is of the fragment's type.
      if (isObjectOfType(schema, entity, flat.typeCondition, false)) key = flatKey(entity, flat.fields);
    } else {
      representation = selectFromResult(schema, entity, recipe.requires);
      if (representation && representation.__typename) {
        applyRewrites(schema, recipe.inputRewrites, representation);
        key = JSON.stringify(representation);
      }
    }
    // An entity missing its key fields (an earlier fetch failed for it) cannot be fetched: skipped.
    if (key === undefined) continue;
    let sentIndex = indexByKey.get(key);
    if (sentIndex === undefined) {
      sentIndex = batch.representations.push(representation ?? selectFromResult(schema, entity, recipe.requires)!) - 1;
      indexByKey.set(key, sentIndex);
    }
    batch.entities.push(entity);
    batch.entityIndexes.push(entityIndex);
    batch.sentIndexes.push(sentIndex);
  }
  return batch;
}

/** Between key parts; a part never contains it (strings holding it take the JSON form, where it is escaped). */
const SEPARATOR = '\u0001';

/**
 * A text equal for two entities exactly when their representations' JSON is (same fields, same
 * order, values equal as JSON), without building the representation; undefined when the entity
 * gets none (a field missing, no `__typename`). Each part is tagged by its form so a string
 * `"1"` and a number `1` never meet.
 */
function flatKey(entity: ResultObject, fields: readonly string[]): string | undefined {
  let key = '';
  for (const field of fields) {
    const value = hasOwn(entity, field) ? entity[field] : undefined;
    if (value === undefined || (field === '__typename' && !value)) return undefined;
    if (typeof value === 'string' && !value.includes(SEPARATOR)) key += 's' + value + SEPARATOR;
    else if (typeof value === 'number' && Number.isFinite(value)) key += 'n' + String(value) + SEPARATOR;
    else key += 'j' + JSON.stringify(value) + SEPARATOR;
  }
  return key;
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
