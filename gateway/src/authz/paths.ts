/**
 * Response paths of removed fields, recorded at rewrite time (before any data exists) as steps
 * through object keys and list items, and replayed over the executed response.
 */

/** Alias of the `__typename` the rewrite adds: a placeholder in emptied selection sets and the type check of guards. */
export const TYPENAME_ALIAS = '__authz_typename';

export type Step =
  | {
      readonly kind: 'key';
      /** Response key (the alias when the client gave one). */
      readonly key: string;
      /** Whether this position may hold null (GraphQL null propagation stops at the first one). */
      readonly nullable: boolean;
      /** Set when the field was selected in a fragment on a narrower type: the object's runtime types that match. */
      readonly guard?: ReadonlySet<string>;
    }
  | { readonly kind: 'item'; readonly nullable: boolean };

/** Where one step of a concrete path lives, so a value can be replaced in place. */
export interface Location {
  container: Record<string, unknown> | unknown[];
  key: string | number;
}

export type ResponsePath = Array<string | number>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Calls `visit` for every concrete position of `steps` in `root` whose parent exists: list items
 * are expanded, `null` parents end the walk, and guarded keys only match objects whose
 * `TYPENAME_ALIAS` names a matching type (unless `ignoreGuards`).
 */
export function forEachPosition(
  root: Record<string, unknown>,
  steps: readonly Step[],
  visit: (path: ResponsePath, locations: readonly Location[]) => void,
  ignoreGuards = false,
): void {
  const path: ResponsePath = [];
  const locations: Location[] = [];
  const enter = (container: Location['container'], key: string | number, value: unknown, index: number) => {
    path.push(key);
    locations.push({ container, key });
    if (index === steps.length - 1) visit(path.slice(), locations.slice());
    else walk(value, index + 1);
    path.pop();
    locations.pop();
  };
  const walk = (value: unknown, index: number): void => {
    const step = steps[index];
    if (!step) return;
    if (step.kind === 'key') {
      if (!isObject(value)) return;
      if (step.guard && !ignoreGuards && !step.guard.has(value[TYPENAME_ALIAS] as string)) return;
      enter(value, step.key, value[step.key], index);
      return;
    }
    if (!Array.isArray(value)) return;
    value.forEach((item, i) => enter(value, i, item, index));
  };
  walk(root, 0);
}

/** Every object at the end of `steps` (the root itself for no steps). */
export function forEachObject(root: Record<string, unknown>, steps: readonly Step[], visit: (object: Record<string, unknown>) => void): void {
  if (steps.length === 0) return visit(root);
  forEachPosition(
    root,
    steps,
    (_path, locations) => {
      const last = locations[locations.length - 1]!;
      const value = (last.container as Record<string | number, unknown>)[last.key];
      if (isObject(value)) visit(value);
    },
    true,
  );
}

/** Index of the step GraphQL would null when the last step's value is null: the nearest nullable one, -1 for `data`. */
export function nullTarget(steps: readonly Step[]): number {
  for (let i = steps.length - 1; i >= 0; i--) if (steps[i]!.nullable) return i;
  return -1;
}

/** A pattern for a selection's position that ignores list items: all occurrences of it share one key order. */
export function positionKey(steps: readonly Step[]): string {
  return steps.flatMap((step) => (step.kind === 'key' ? [step.key] : [])).join('\u0000');
}
