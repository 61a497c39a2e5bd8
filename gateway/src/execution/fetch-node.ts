import type { GraphQLError } from 'graphql';
import type { ResponsePath } from '@apollo/query-planner';
import { contextValuesAt } from './context-rewrites.js';
import { applyRewrites } from './data-rewrites.js';
import { cloneData, mergeInto } from './merge.js';
import type { PreparedFetch } from './prepare.js';
import { buildRepresentations, type RepresentationRecipe } from './representations.js';
import type { ExecutionSchema } from './schema-index.js';
import { downstreamServiceError, responsePathsAt } from './subgraph-errors.js';
import type { ResultObject, SubgraphError, SubgraphFetch, SubgraphResponse } from './types.js';
import { pickVariables } from './variables.js';

/** Where a plan node works: the objects at `path` in the result tree (`@` = each list element). */
export interface Cursor {
  path: ResponsePath;
  data: unknown;
}

/** State of one plan execution, shared by every node of it. */
export interface ExecutionState {
  schema: ExecutionSchema;
  variables: Record<string, unknown>;
  fetch: SubgraphFetch;
  result: ResultObject;
  errors: GraphQLError[];
}

/** Runs one fetch node at the cursor and merges its answer; subgraph errors are collected, failures thrown. */
export async function executeFetch(state: ExecutionState, node: PreparedFetch, cursor: Cursor): Promise<void> {
  const entities = (Array.isArray(cursor.data) ? cursor.data.filter((entity) => entity !== null && entity !== undefined) : [cursor.data]) as ResultObject[];
  if (entities.length < 1) return;
  const variables = pickVariables(node.variableUsages, state.variables);
  const recipe = node.representations;
  if (!recipe) {
    const response = await send(state, node, cursor, variables, () => responsePathsAt(cursor.path, state.result));
    collectErrors(state, node, response.errors, (path) => (path ? [...cursor.path, ...path] : undefined));
    const data = response.data;
    if (data) applyRewrites(state.schema, node.outputRewrites, data);
    for (const entity of entities) mergeInto(entity, data);
    return;
  }
  if (!node.contextRewrites) {
    // Entity n of the request answers for the n-th object at the cursor, as @apollo/gateway maps
    // it (even when an earlier entity had no representation and was not sent).
    await fetchEntities(state, node, recipe, cursor, entities, variables, undefined);
    return;
  }
  const groups = groupByContext(state, node, cursor, entities);
  const failures = await Promise.allSettled(
    [...groups.values()].map((group) => fetchEntities(state, node, recipe, cursor, group.entities, { ...variables, ...group.values }, group.entityIndexes)),
  );
  for (const failure of failures) if (failure.status === 'rejected') throw failure.reason;
}

/**
 * One `_entities` fetch for `entities`, its answer merged into each. `pathIndexes` maps an entity's
 * position among `entities` to its position among the objects at the cursor (a context group is
 * a subset); without it, entity n of the request answers for the n-th object at the cursor, as
 * @apollo/gateway maps it (even when an earlier entity had no representation and was not sent).
 */
async function fetchEntities(
  state: ExecutionState,
  node: PreparedFetch,
  recipe: RepresentationRecipe,
  cursor: Cursor,
  entities: ResultObject[],
  variables: Record<string, unknown>,
  pathIndexes: readonly number[] | undefined,
): Promise<void> {
  const batch = buildRepresentations(state.schema, entities, recipe);
  const sent = batch.representations;
  if (sent.length < 1) return;
  if ('representations' in variables) throw new Error(`Variables cannot contain key "representations"`);
  const { sentIndexes } = batch;
  let entityPaths: ResponsePath[] | undefined;
  const pathOf = (index: number) => (entityPaths ??= responsePathsAt(cursor.path, state.result))[index] ?? [];
  const pathIndexOf = (request: number) => (pathIndexes ? pathIndexes[batch.entityIndexes[request]!]! : request);
  const response = await send(state, node, cursor, { ...variables, representations: sent }, () => sentIndexes.map((_, request) => pathOf(pathIndexOf(request))));
  if (response.errors) for (const error of response.errors) entityError(state, node, cursor, error, sentIndexes, (request) => pathOf(pathIndexOf(request)), pathOf);
  const data = response.data;
  if (!data) return;
  const received = data._entities;
  if (!Array.isArray(received)) throw new Error(`Expected "data._entities" in response to be an array`);
  if (received.length !== sent.length) throw new Error(`Expected "data._entities" to contain ${sent.length} elements`);
  const remainingUses = new Array<number>(received.length).fill(0);
  for (const sentIndex of sentIndexes) remainingUses[sentIndex]!++;
  for (let request = 0; request < sentIndexes.length; request++) {
    const sentIndex = sentIndexes[request]!;
    const target = batch.entities[request]!;
    const original = received[sentIndex] as ResultObject | null;
    // Every sharer but the last gets a copy, so no two entities hold the same object.
    const entity = --remainingUses[sentIndex]! > 0 ? cloneData(original) : original;
    if (entity && !entity.__typename) entity.__typename = target.__typename;
    applyRewrites(state.schema, node.outputRewrites, entity);
    mergeInto(target, entity);
  }
}

/** A subgraph error of an entity fetch: one per entity that shared its representation, each at its own path. */
function entityError(
  state: ExecutionState,
  node: PreparedFetch,
  cursor: Cursor,
  error: SubgraphError,
  sentIndexes: readonly number[],
  requestPath: (request: number) => ResponsePath,
  pathOf: (index: number) => ResponsePath,
) {
  const sentIndex = error.path?.[1];
  if (typeof sentIndex !== 'number') {
    pushError(state, node, error, error.path ? [...cursor.path, ...error.path] : undefined);
    return;
  }
  const rest = error.path!.slice(2);
  let shared = false;
  for (let request = 0; request < sentIndexes.length; request++) {
    if (sentIndexes[request] !== sentIndex) continue;
    shared = true;
    pushError(state, node, error, [...requestPath(request), ...rest]);
  }
  if (!shared) pushError(state, node, error, [...pathOf(sentIndex), ...rest]);
}

function groupByContext(state: ExecutionState, node: PreparedFetch, cursor: Cursor, entities: ResultObject[]) {
  const paths = responsePathsAt(cursor.path, state.result);
  const groups = new Map<string, { values: Record<string, unknown>; entities: ResultObject[]; entityIndexes: number[] }>();
  entities.forEach((entity, index) => {
    const values = contextValuesAt(state.schema, node.contextRewrites!, state.result, paths[index] ?? []);
    const key = JSON.stringify(values);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { values, entities: [], entityIndexes: [] }));
    group.entities.push(entity);
    group.entityIndexes.push(index);
  });
  return groups;
}

/** Sends one fetch; `targets` lists the response objects it was to fill, for the errors of a failed fetch. */
async function send(state: ExecutionState, node: PreparedFetch, cursor: Cursor, variables: Record<string, unknown>, targets: () => ResponsePath[]): Promise<SubgraphResponse> {
  const request = { subgraph: node.serviceName, query: node.operation, variables, path: cursor.path, ...(node.operationName ? { operationName: node.operationName } : {}) };
  try {
    return await state.fetch(request);
  } catch (error) {
    throw new FetchFailure(error, targets());
  }
}

/** The subgraph gave no answer (the fetch seam threw): the fetch's keys are missing on every object in `targets`. */
export class FetchFailure extends Error {
  constructor(
    readonly reason: unknown,
    readonly targets: readonly ResponsePath[],
  ) {
    super('subgraph fetch failed');
  }
}

function collectErrors(
  state: ExecutionState,
  node: PreparedFetch,
  errors: readonly SubgraphError[] | undefined,
  pathOf: (path: readonly (string | number)[] | undefined) => ResponsePath | undefined,
) {
  for (const error of errors ?? []) pushError(state, node, error, pathOf(error.path));
}

function pushError(state: ExecutionState, node: PreparedFetch, error: SubgraphError, path: ResponsePath | undefined) {
  state.errors.push(downstreamServiceError(error, node.serviceName, path));
}
