import type { FetchDataKeyRenamer, ResponsePath } from '@apollo/query-planner';
import { isObjectOfType, parseStep } from './data-rewrites.js';
import type { ExecutionSchema } from './schema-index.js';
import { getOwn, isResultObject, type ResultObject } from './types.js';

/**
 * `@fromContext` arguments. The plan names, per fetch, where each contextual value sits relative
 * to the entity (`..` = the object holding the field the entity is in, `... on T` = only if that
 * object is a T) and the variable it becomes. Entities whose context values differ cannot share a
 * request, so the fetch is split into one request per distinct set of values.
 */

type ContextStep = { kind: 'parent' } | { kind: 'field'; name: string } | { kind: 'typeCondition'; typeName: string };

export interface CompiledContextRewrite {
  variable: string;
  steps: ContextStep[];
}

export function compileContextRewrites(rewrites: readonly FetchDataKeyRenamer[] | undefined): CompiledContextRewrite[] | undefined {
  if (!rewrites || rewrites.length === 0) return undefined;
  return rewrites.map((rewrite) => ({
    variable: rewrite.renameKeyTo,
    steps: rewrite.path.map((element): ContextStep => (element === '..' ? { kind: 'parent' } : parseStep(element))),
  }));
}

/** The contextual variables of one entity found at `path` in `root`; the first rewrite that finds a value wins. */
export function contextValuesAt(schema: ExecutionSchema, rewrites: CompiledContextRewrite[], root: ResultObject, path: ResponsePath): Record<string, unknown> {
  const values: Record<string, unknown> = Object.create(null);
  for (const rewrite of rewrites) {
    if (values[rewrite.variable] !== undefined) continue;
    const value = walk(schema, rewrite.steps, root, path);
    if (value !== undefined) values[rewrite.variable] = value;
  }
  return values;
}

function walk(schema: ExecutionSchema, steps: ContextStep[], root: ResultObject, entityPath: ResponsePath): unknown {
  const position = entityPath.slice();
  for (const step of steps) {
    if (step.kind === 'parent') {
      while (typeof position[position.length - 1] === 'number') position.pop();
      if (position.pop() === undefined) return undefined;
      continue;
    }
    if (step.kind === 'field') {
      position.push(step.name);
      continue;
    }
    const object = valueAt(root, position);
    if (!isResultObject(object) || !isObjectOfType(schema, object, step.typeName, true)) return undefined;
  }
  return valueAt(root, position);
}

function valueAt(root: ResultObject, path: ResponsePath): unknown {
  let current: unknown = root;
  for (const element of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = typeof element === 'number' ? (current as unknown[])[element] : getOwn(current, element);
  }
  return current;
}
