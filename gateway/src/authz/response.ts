import { GraphQLError } from 'graphql';
import { conditionsHold } from './conditions.js';
import { forEachObject, forEachPosition, TYPENAME_ALIAS, type Location, type ResponsePath } from './paths.js';
import type { Denial, Rewrite } from './rewrite.js';

export interface ExecutionResultLike {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLError[];
  extensions?: Record<string, unknown>;
}

export function unauthorizedError(coordinate: string, path: ResponsePath): GraphQLError {
  return new GraphQLError(`Not authorized to read ${coordinate}`, { path, extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', coordinate } });
}

/** Denials that count for this request: those whose `@skip`/`@include` let the field through. */
export function activeDenials(rewrite: Rewrite, variables: Readonly<Record<string, unknown>> | undefined): Denial[] {
  return rewrite.denials.filter((denial) => conditionsHold(denial.conditions, variables));
}

/**
 * Answers for the removed fields in the executed result of the rewritten operation: null where
 * GraphQL would put it (the removed field, or its nearest nullable ancestor), one error per
 * removed field at its full response path (as GraphQL reports a non-null error), the rewrite's
 * `__typename` helpers taken out, and keys back in the client's order.
 */
export function answerDenials(result: ExecutionResultLike, denials: readonly Denial[], rewrite: Rewrite): ExecutionResultLike {
  const data = result.data;
  if (!data || typeof data !== 'object') return result;
  const errors: GraphQLError[] = [];
  const seen = new Set<string>();
  const nulls: Array<Location | null> = [];
  const reorders = new Map<Record<string, unknown>, readonly string[]>();
  // Positions are found on the untouched answer: guards read the helper __typename, and a null
  // written first could hide the list positions of another removed field.
  for (const denial of denials) {
    forEachPosition(data, denial.steps, (path, locations) => {
      const id = JSON.stringify(path);
      if (!seen.has(id)) {
        seen.add(id);
        errors.push(unauthorizedError(denial.coordinate, path));
      }
      nulls.push(denial.nullAt < 0 ? null : locations[denial.nullAt]!);
      if (denial.nullAt === denial.steps.length - 1) reorders.set(locations[denial.nullAt]!.container as Record<string, unknown>, denial.order);
    });
  }
  const mergedErrors = [...errors, ...(result.errors ?? [])];
  if (nulls.includes(null)) return { ...result, data: null, errors: mergedErrors };
  for (const location of nulls) (location!.container as Record<string | number, unknown>)[location!.key] = null;
  for (const steps of rewrite.placeholders) forEachObject(data, steps, (object) => delete object[TYPENAME_ALIAS]);
  for (const [object, order] of reorders) reorder(object, order);
  return mergedErrors.length > 0 ? { ...result, data, errors: mergedErrors } : { ...result, data };
}

/** Puts an object's keys in the client's order (keys it does not list keep their relative order, last). */
function reorder(object: Record<string, unknown>, order: readonly string[]): void {
  const entries = Object.entries(object);
  const rank = (key: string) => {
    const index = order.indexOf(key);
    return index < 0 ? order.length : index;
  };
  entries.sort(([a], [b]) => rank(a) - rank(b));
  for (const [key] of entries) delete object[key];
  for (const [key, value] of entries) object[key] = value;
}
