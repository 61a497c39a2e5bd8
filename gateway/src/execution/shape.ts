import { executeSync, type GraphQLError } from 'graphql';
import { ERRORS } from '@apollo/federation-internals';
import type { ConditionValue, FieldProjection, OperationProjection, ProjectionSelection, SelectionConditions, ShapeType } from './projection.js';
import { describeTypename, type ExecutionSchema } from './schema-index.js';
import { getOwn, newResultObject, type ResultObject } from './types.js';

/**
 * The one projection pass from the merged subgraph data to the client's answer: aliases,
 * `__typename`, fragments by runtime type, `@skip`/`@include`, and non-null violations nulling the
 * nearest nullable parent. Mirrors @apollo/gateway's `computeResponse` (resultShaping.js) rule for
 * rule, messages included, because clients and the differential test see exactly those.
 */

export interface ShapeResult {
  data: ResultObject | null;
  errors: GraphQLError[];
}

interface ShapeState {
  schema: ExecutionSchema;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  path: (string | number)[];
}

const NULL_BUBBLE_UP = true;

/**
 * What the last `updateValue` call found besides its value, for its caller to read right after it
 * returns (the pass is synchronous): one result object per value of the answer was most of the
 * shaping pass's garbage. `invalid`: a non-null violation that must null the enclosing object;
 * `hasErrors`: an error was already reported for this value.
 */
let lastInvalid = false;
let lastHasErrors = false;

/** @apollo/federation-internals' `assert`, called only on failure: its message closure and the bundle's getter cost on every value. */
function failAssertion(message: string): never {
  throw new Error(message);
}

export function shapeResponse(schema: ExecutionSchema, projection: OperationProjection, input: ResultObject, variables: Record<string, unknown>): ShapeResult {
  const state: ShapeState = {
    schema,
    variables: { __proto__: null, ...projection.defaultedVariables, ...variables },
    errors: [],
    path: [],
  };
  const data: ResultObject = newResultObject();
  const bubbled = applySelections(state, projection.selections, input, data, projection.rootTypeName);
  return { data: bubbled ? null : data, errors: state.errors };
}

function conditionValue(value: ConditionValue, variables: Record<string, unknown>): boolean {
  if (typeof value === 'boolean') return value;
  const provided = variables[value.variable];
  if (provided === undefined || typeof provided !== 'boolean') failAssertion(`Unexpected value ${String(provided)} for variable $${value.variable}`);
  return provided as boolean;
}

function isSkipped(conditions: SelectionConditions | undefined, variables: Record<string, unknown>): boolean {
  if (!conditions) return false;
  if (conditions.skip !== undefined && conditionValue(conditions.skip, variables)) return true;
  return conditions.include !== undefined && !conditionValue(conditions.include, variables);
}

/** Returns true when a non-null violation must null the object being built (and bubble further). */
function applySelections(state: ShapeState, selections: ProjectionSelection[], input: ResultObject, output: ResultObject, parentType: string): boolean {
  for (const selection of selections) {
    if (isSkipped(selection.conditions, state.variables)) continue;
    if (selection.kind === 'field') {
      if (applyField(state, selection, input, output, parentType)) return NULL_BUBBLE_UP;
      continue;
    }
    const typename = input.__typename;
    if (typename && typeof typename !== 'string') failAssertion(`Got unexpected value for __typename: ${String(typename)}`);
    const condition = selection.typeCondition;
    if (condition && !state.schema.apiConditionApplies(condition, typeof typename === 'string' && typename ? typename : parentType)) continue;
    if (applySelections(state, selection.selections, input, output, condition ?? parentType)) return NULL_BUBBLE_UP;
  }
  return false;
}

function applyField(state: ShapeState, field: FieldProjection, input: ResultObject, output: ResultObject, parentType: string): boolean {
  const responseName = field.responseName;
  const outputValue = output[responseName];
  if (field.introspection) {
    if (outputValue === undefined) output[responseName] = introspect(state, field);
    return false;
  }
  let inputValue = getOwn(input, responseName) ?? null;
  if (field.isTypename) {
    if (outputValue !== undefined) return false;
    if (inputValue === null && responseName !== '__typename') inputValue = input.__typename ?? null;
    const named = typeof inputValue === 'string' ? describeTypename(state.schema, inputValue) : undefined;
    const resolved = named?.type ? named : describeTypename(state.schema, parentType);
    if (!resolved.isObject || !resolved.type) return NULL_BUBBLE_UP;
    output[responseName] = resolved.type.name;
    return false;
  }
  state.path.push(responseName);
  output[responseName] = updateValue(state, outputValue, field.type, inputValue, field.selections, parentType);
  state.path.pop();
  return lastInvalid;
}

function describeLast(path: (string | number)[], currentType: string, parentType: string): string {
  const element = path[path.length - 1];
  return typeof element === 'string' ? `field ${parentType}.${element}` : `array element of type ${currentType} at index ${String(element)}`;
}

function invalid(state: ShapeState, message: string): void {
  // These errors describe data, not code: capturing a stack for each (a deep answer with orphaned
  // references makes dozens per request) cost ~6 % of the gateway's CPU and no one reads it.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    state.errors.push(ERRORS.INVALID_GRAPHQL.err(message, { path: Array.from(state.path) }));
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** The shaped value; `lastInvalid` and `lastHasErrors` say the rest. */
function updateValue(state: ShapeState, outputValue: unknown, type: ShapeType, inputValue: unknown, selections: ProjectionSelection[] | undefined, parentType: string): unknown {
  if (outputValue === null || (outputValue !== undefined && !selections)) return settled(outputValue, false, false);
  if (type.kind === 'nonNull') {
    const inner = updateValue(state, outputValue, type.ofType, inputValue, selections, parentType);
    if (inner !== null) return settled(inner, false, false);
    if (!lastHasErrors) invalid(state, `Cannot return null for non-nullable ${describeLast(state.path, type.ofType.text, parentType)}.`);
    return settled(null, true, true);
  }
  if (inputValue === null) return settled(null, false, false);
  if (type.kind === 'list') return updateList(state, outputValue, type, inputValue, selections, parentType);
  if (type.kind === 'composite') return updateObject(state, outputValue, type, inputValue, selections, parentType);
  if (outputValue !== undefined) failAssertion(`Excepted output to be undefined but got ${type.text} for type ${type.text}`);
  const valid = isValidLeaf(type, inputValue);
  if (!valid) invalid(state, `Invalid value found for ${describeLast(state.path, type.text, parentType)}.`);
  return settled(valid ? inputValue : null, false, !valid);
}

function settled(value: unknown, isInvalid: boolean, hasErrors: boolean): unknown {
  lastInvalid = isInvalid;
  lastHasErrors = hasErrors;
  return value;
}

function updateList(
  state: ShapeState,
  outputValue: unknown,
  type: Extract<ShapeType, { kind: 'list' }>,
  inputValue: unknown,
  selections: ProjectionSelection[] | undefined,
  parentType: string,
): unknown {
  if (!Array.isArray(inputValue)) failAssertion(`Invalid non-list value ${String(inputValue)} returned by subgraph for list type ${type.text}`);
  if (outputValue !== undefined && !Array.isArray(outputValue)) failAssertion(`Invalid non-list value ${String(outputValue)} returned by subgraph for list type ${type.text}`);
  const inputList = inputValue as unknown[];
  // No output yet (the usual case) reads as a list of `undefined` as long as the input, without building one.
  const outputList = outputValue as unknown[] | undefined;
  if (outputList && inputList.length !== outputList.length) {
    failAssertion(`[${String(inputList)}].length (${inputList.length}) !== [${String(outputList)}].length (${outputList.length})`);
  }
  let shouldNullify = false;
  let hasErrors = false;
  const updated = new Array<unknown>(inputList.length);
  for (let index = 0; index < inputList.length; index++) {
    state.path.push(index);
    updated[index] = updateValue(state, outputList?.[index], type.ofType, inputList[index], selections, parentType);
    state.path.pop();
    shouldNullify ||= lastInvalid;
    hasErrors ||= lastHasErrors;
  }
  return settled(shouldNullify ? null : updated, false, hasErrors);
}

function updateObject(
  state: ShapeState,
  outputValue: unknown,
  type: Extract<ShapeType, { kind: 'composite' }>,
  inputValue: unknown,
  selections: ProjectionSelection[] | undefined,
  parentType: string,
): unknown {
  if (!selections) failAssertion(`Invalid empty selection set for composite type ${type.text}`);
  if (typeof inputValue !== 'object') failAssertion(`Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${type.text}`);
  if (outputValue !== undefined && typeof outputValue !== 'object')
    failAssertion(`Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${type.text}`);
  const input = inputValue as ResultObject;
  const inputTypename = input.__typename;
  if (inputTypename !== undefined && typeof inputTypename !== 'string') failAssertion(`Invalid non-string value ${String(inputTypename)} for __typename at ${String(state.path)}`);
  let objectType = type.text;
  if (inputTypename) {
    const named = describeTypename(state.schema, inputTypename as string);
    if (!named.isComposite) {
      invalid(state, `Invalid __typename found for object at ${describeLast(state.path, type.text, parentType)}.`);
      return settled(null, false, true);
    }
    objectType = inputTypename as string;
  }
  const output = outputValue === undefined ? newResultObject() : (outputValue as ResultObject);
  const bubbled = applySelections(state, selections!, input, output, objectType);
  return settled(bubbled ? null : output, false, bubbled);
}

/** federation-internals' `isValidLeafValue`, with the type facts precomputed. */
function isValidLeaf(type: Extract<ShapeType, { kind: 'leaf' }>, value: unknown): boolean {
  if (type.leaf === 'custom') return true;
  if (typeof value === 'boolean') return type.leaf === 'boolean';
  if (typeof value === 'number' && isFinite(value)) {
    // An ID given as a number must be an integer, like an Int (federation's rule).
    // What federation tests on the printed number (`^-?(0|[1-9][0-9]*)$`), without printing it: integers under 1e21 print as digits, larger ones with an exponent.
    if (type.leaf === 'integer' || type.leaf === 'id') return Number.isInteger(value) && Math.abs(value) < 1e21;
    return type.leaf === 'float';
  }
  if (typeof value === 'string') {
    if (type.leaf === 'enum') return type.enumValues!.has(value);
    return type.leaf === 'string' || type.leaf === 'id';
  }
  return false;
}

function introspect(state: ShapeState, field: FieldProjection): unknown {
  const { data, errors } = executeSync({ schema: state.schema.apiGraphQL, document: field.introspection!, rootValue: {}, variableValues: state.variables });
  if (errors && errors.length > 0) failAssertion(`Introspection query for ${field.responseName} should not have failed but got ${JSON.stringify(errors)}`);
  if (!data) failAssertion(`Introspection query for ${field.responseName} should not have failed`);
  return getOwn(data!, field.responseName);
}
