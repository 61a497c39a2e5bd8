import { GraphQLError } from 'graphql';
import { assert } from '@apollo/federation-internals';
import type { ResponsePath } from '@apollo/query-planner';
import { executeFetch, FetchFailure, type Cursor, type ExecutionState } from './fetch-node.js';
import type { PreparedNode, PreparedPlan } from './prepare.js';
import { shapeResponse } from './shape.js';
import { getOwn, newResultObject, type PlanExecutionResult, type ResultObject, type SubgraphFetch } from './types.js';

/**
 * Runs a prepared plan: fetches in the plan's order (Sequence strictly one after the other,
 * Parallel all at once), each answer merged in place into one result tree, then one projection
 * pass builds the client's answer. Results, errors and their paths are those @apollo/gateway's
 * `executeQueryPlan` gives for the same plan and subgraph answers (proven in test/execution).
 */
export async function executePlan(plan: PreparedPlan, variables: Record<string, unknown> | undefined, fetch: SubgraphFetch): Promise<PlanExecutionResult> {
  const state: ExecutionState = { schema: plan.schema, variables: variables ?? {}, fetch, result: newResultObject(), errors: [] };
  if (plan.root) await executeNode(state, plan.root, { path: [], data: state.result });
  let shaped;
  try {
    shaped = shapeResponse(plan.schema, plan.projection, state.result, state.variables);
  } catch (error) {
    return { errors: [asGraphQLError(error)] };
  }
  if (state.errors.length === 0 && shaped.errors.length > 0) return { extensions: { valueCompletion: shaped.errors }, data: shaped.data };
  return state.errors.length === 0 ? { data: shaped.data } : { errors: state.errors, data: shaped.data };
}

async function executeNode(state: ExecutionState, node: PreparedNode, cursor: Cursor | undefined): Promise<void> {
  if (!cursor) return;
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await executeNode(state, child, cursor);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => executeNode(state, child, cursor)));
      return;
    case 'Flatten':
      return executeNode(state, node.node, moveInto(cursor, node.path));
    case 'Condition': {
      const branch = conditionHolds(state, node.variable, node.defaultValue) ? node.ifClause : node.elseClause;
      if (branch) await executeNode(state, branch, cursor);
      return;
    }
    case 'Fetch':
      try {
        await executeFetch(state, node, cursor);
      } catch (error) {
        // A failed fetch (transport, malformed answer) costs its own data only: the plan goes on.
        if (error instanceof FetchFailure) state.errors.push(...failureErrors(asGraphQLError(error.reason), node.fills, error.targets));
        else state.errors.push(asGraphQLError(error));
      }
      return;
  }
}

function conditionHolds(state: ExecutionState, variable: string, defaultValue: unknown): boolean {
  const value = getOwn(state.variables, variable) ?? defaultValue;
  assert(value !== undefined, () => `Missing value for variable $${variable} (and no default found)`);
  assert(typeof value === 'boolean', () => `Invalid non-boolean value ${String(value)} for Boolean! variable $${variable}`);
  return value as boolean;
}

function moveInto(cursor: Cursor, path: ResponsePath): Cursor | undefined {
  const data = valuesAtPath(cursor.data, path, 0);
  return data ? { path: cursor.path.concat(path), data } : undefined;
}

/** The values at a plan path, lists flattened at each `@`. */
function valuesAtPath(value: unknown, path: ResponsePath, step: number): unknown {
  if (step === path.length || value === undefined || value === null) return value;
  const current = path[step];
  if (current === '@') {
    // What `flatMap` over the elements gives, pushed into one array instead of one per element and level.
    if (!Array.isArray(value)) return (value as unknown[]).flatMap((element) => valuesAtPath(element, path, step + 1));
    const values: unknown[] = [];
    for (const element of value) pushValuesAtPath(element, path, step + 1, values);
    return values;
  }
  return valuesAtPath(fieldValue(value, current), path, step + 1);
}

/** Pushes the elements `flatMap` takes from `valuesAtPath(value, path, step)`: the value, or the elements of an array. */
function pushValuesAtPath(value: unknown, path: ResponsePath, step: number, into: unknown[]): void {
  if (step === path.length || value === undefined || value === null) {
    if (Array.isArray(value)) for (const element of value) into.push(element);
    else into.push(value);
    return;
  }
  const current = path[step];
  if (current !== '@') return pushValuesAtPath(fieldValue(value, current), path, step + 1, into);
  if (!Array.isArray(value)) {
    for (const element of (value as unknown[]).flatMap((element) => valuesAtPath(element, path, step + 1))) into.push(element);
    return;
  }
  for (const element of value) pushValuesAtPath(element, path, step + 1, into);
}

function fieldValue(value: unknown, current: string | number | undefined): unknown {
  // federation-internals' assert messages, built only on failure (this runs once per value reached).
  if (typeof current !== 'string') throw new Error(`Unexpected ${typeof current} found in path`);
  if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${String(current)}`);
  return getOwn(value as ResultObject, current);
}

/** At most this many errors per failed fetch: 500 orders without their invoice need not be 500 errors. */
export const MAX_FAILURE_PATHS = 100;

/**
 * The errors of a fetch the subgraph did not answer: one per response path it should have filled
 * (each key it fetches, on each object it was to fill), carrying the seam's message and extensions
 * (`SUBGRAPH_UNAVAILABLE`, `SUBGRAPH_TIMEOUT`, `CIRCUIT_OPEN` with the subgraph and system). Past
 * `MAX_FAILURE_PATHS`, one more error without a path counts the paths left out. @apollo/gateway
 * sends one error without any path; each error here shares the original (`originalError`).
 */
function failureErrors(failure: GraphQLError, keys: readonly string[], targets: readonly ResponsePath[]): GraphQLError[] {
  const paths = targets.flatMap((target) => keys.map((key) => [...target, key]));
  if (paths.length === 0) return [failure];
  const errors = paths.slice(0, MAX_FAILURE_PATHS).map((path) => new GraphQLError(failure.message, { path, extensions: failure.extensions, originalError: failure }));
  const omitted = paths.length - errors.length;
  if (omitted > 0) errors.push(new GraphQLError(failure.message, { extensions: { ...failure.extensions, omittedPaths: omitted }, originalError: failure }));
  return errors;
}

/** Keeps a GraphQLError as it is (its path and code are meant); wraps anything else by its message. */
function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (error instanceof Error) return new GraphQLError(error.message, { originalError: error });
  return new GraphQLError('Unexpected error during query plan execution');
}
