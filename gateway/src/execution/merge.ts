import { defineOwn } from './data-rewrites.js';
import { hasOwn, isResultObject, newResultObject, type ResultObject } from './types.js';

/**
 * Merges a subgraph's answer into the result tree in place. It walks the keys of the answer only,
 * which are the fetch's own selection, never the rest of the tree. The rules (objects merged key by
 * key, same-length lists element-wise, anything else replaced, `undefined` skipped) are those of
 * @apollo/gateway's `deepMerge`, so both build the same tree from the same answers.
 */
export function mergeInto(target: ResultObject, source: unknown): void {
  if (source === undefined || source === null) return;
  const from = source as ResultObject;
  // for-in with an own-key check walks what `Object.keys` lists, in its order, without an array per object.
  for (const key in from) {
    if (!hasOwn(from, key)) continue;
    const value = from[key];
    if (value === undefined) continue;
    defineOwn(target, key);
    const existing = target[key];
    if (existing && isResultObject(value)) {
      mergeInto(existing as ResultObject, value);
    } else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let index = 0; index < value.length; index++) {
        const element: unknown = value[index];
        if (isResultObject(existing[index]) && isResultObject(element)) mergeInto(existing[index] as ResultObject, element);
        else existing[index] = element;
      }
    } else {
      target[key] = value;
    }
  }
}

/**
 * A private copy of a JSON answer, for the second and later entities sharing one deduplicated
 * representation: merging stores references, and later fetches must not write into a sibling.
 */
export function cloneData<T>(value: T): T {
  if (Array.isArray(value)) return value.map((element: unknown) => cloneData(element)) as T;
  if (!isResultObject(value)) return value;
  const copy: ResultObject = newResultObject();
  for (const key in value) if (hasOwn(value, key)) copy[key] = cloneData(value[key]);
  return copy as T;
}
