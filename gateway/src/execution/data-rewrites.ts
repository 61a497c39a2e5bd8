import type { FetchDataRewrite } from '@apollo/query-planner';
import type { ExecutionSchema } from './schema-index.js';
import { getOwn, hasOwn, isResultObject, type ResultObject } from './types.js';

/**
 * The plan's data rewrites (`@interfaceObject`'s `__typename` setters, aliases the planner added
 * to keep fields from clashing), compiled once into path steps and applied to subgraph data in place.
 */

type PathStep = { kind: 'field'; name: string } | { kind: 'typeCondition'; typeName: string };

export interface CompiledRewrite {
  steps: PathStep[];
  /** The key written at the end of the path. */
  field: string;
  apply: (object: ResultObject, field: string) => void;
}

const FRAGMENT_PREFIX = '... on ';

export function compileRewrites(rewrites: readonly FetchDataRewrite[] | undefined): CompiledRewrite[] | undefined {
  if (!rewrites || rewrites.length === 0) return undefined;
  const compiled: CompiledRewrite[] = [];
  for (const rewrite of rewrites) {
    const last = rewrite.path[rewrite.path.length - 1];
    if (last === undefined) continue;
    if (last.startsWith(FRAGMENT_PREFIX)) throw new Error(`Unexpected fragment as last element of ${rewrite.path.join(',')}`);
    compiled.push({ steps: rewrite.path.slice(0, -1).map(parseStep), field: last, apply: rewriteFunction(rewrite) });
  }
  return compiled;
}

export function parseStep(element: string): PathStep {
  return element.startsWith(FRAGMENT_PREFIX) ? { kind: 'typeCondition', typeName: element.slice(FRAGMENT_PREFIX.length) } : { kind: 'field', name: element };
}

function rewriteFunction(rewrite: FetchDataRewrite): CompiledRewrite['apply'] {
  if (rewrite.kind === 'ValueSetter') {
    const value: unknown = rewrite.setValueTo;
    return (object, field) => {
      defineOwn(object, field);
      object[field] = value;
    };
  }
  const renameTo = rewrite.renameKeyTo;
  return (object, field) => {
    const value = getOwn(object, field);
    if (!value) return;
    defineOwn(object, renameTo);
    object[renameTo] = value;
    // Left as an own `undefined` key (not deleted): merging skips it, as @apollo/gateway's does.
    object[field] = undefined;
  };
}

export function applyRewrites(schema: ExecutionSchema, rewrites: CompiledRewrite[] | undefined, value: unknown): void {
  if (!rewrites) return;
  for (const rewrite of rewrites) applyAtPath(schema, rewrite, 0, value);
}

function applyAtPath(schema: ExecutionSchema, rewrite: CompiledRewrite, stepIndex: number, value: unknown): void {
  if (Array.isArray(value)) {
    for (const element of value) applyAtPath(schema, rewrite, stepIndex, element);
    return;
  }
  if (!isResultObject(value)) return;
  const step = rewrite.steps[stepIndex];
  if (!step) {
    rewrite.apply(value, rewrite.field);
    return;
  }
  if (step.kind === 'field') applyAtPath(schema, rewrite, stepIndex + 1, getOwn(value, step.name));
  else if (isObjectOfType(schema, value, step.typeName, true)) applyAtPath(schema, rewrite, stepIndex + 1, value);
}

/** `... on T` against a result object, by its `__typename`; `whenUntyped` answers for objects without one. */
export function isObjectOfType(schema: ExecutionSchema, object: ResultObject, typeCondition: string, whenUntyped: boolean): boolean {
  const typename = object.__typename;
  if (!typename) return whenUntyped;
  return schema.supergraphConditionApplies(typeCondition, typename as string);
}

/** Makes `key` an own property before writing it, so a response key like `__proto__` stays data. */
export function defineOwn(object: ResultObject, key: string): void {
  if (!hasOwn(object, key) && key in object) {
    Object.defineProperty(object, key, { configurable: true, enumerable: true, value: undefined, writable: true });
  }
}
