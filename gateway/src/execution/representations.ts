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

export interface RepresentationBatch {
  /** What is sent, one per distinct representation. */
  representations: ResultObject[];
  /** For each entity that got a representation, in order. */
  uses: RepresentationUse[];
}

export interface RepresentationUse {
  entity: ResultObject;
  /** Its position among the entities given. */
  entityIndex: number;
  /** Its position among the entities that got a representation. */
  requestIndex: number;
  /** The index of its representation in `representations`. */
  sentIndex: number;
}

export function buildRepresentations(
  schema: ExecutionSchema,
  entities: readonly ResultObject[],
  requires: readonly QueryPlanSelectionNode[],
  inputRewrites: CompiledRewrite[] | undefined,
): RepresentationBatch {
  const representations: ResultObject[] = [];
  const uses: RepresentationBatch['uses'] = [];
  const indexByKey = new Map<string, number>();
  entities.forEach((entity, entityIndex) => {
    const representation = selectFromResult(schema, entity, requires);
    // An entity missing its key fields (an earlier fetch failed for it) cannot be fetched: skipped.
    if (!representation || !representation.__typename) return;
    applyRewrites(schema, inputRewrites, representation);
    const key = JSON.stringify(representation);
    let sentIndex = indexByKey.get(key);
    if (sentIndex === undefined) {
      sentIndex = representations.push(representation) - 1;
      indexByKey.set(key, sentIndex);
    }
    uses.push({ entity, entityIndex, requestIndex: uses.length, sentIndex });
  });
  return { representations, uses };
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
