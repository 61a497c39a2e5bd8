import { Kind, parse, type DocumentNode, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { operationFromDocument } from '@apollo/federation-internals';
import type { FetchNode, PlanNode, QueryPlan, ResponsePath } from '@apollo/query-planner';
import { compileContextRewrites, type CompiledContextRewrite } from './context-rewrites.js';
import { compileRewrites, type CompiledRewrite } from './data-rewrites.js';
import { representationRecipe, type RepresentationRecipe } from './representations.js';
import { compileProjection, type OperationProjection } from './projection.js';
import type { ExecutionSchema } from './schema-index.js';

/**
 * Preparation, once per cached plan: everything execution would otherwise redo per request
 * (rewrites compiled, the client operation's projection, condition defaults), and the refusal of
 * plan nodes this executor cannot run, so no request ever fails half-way through a plan for that.
 */

export interface PreparedFetch {
  kind: 'Fetch';
  serviceName: string;
  operation: string;
  operationName?: string;
  variableUsages: readonly string[];
  /** An entity fetch's `requires` and input rewrites, with how its representations are deduplicated. */
  representations?: RepresentationRecipe;
  outputRewrites?: CompiledRewrite[];
  contextRewrites?: CompiledContextRewrite[];
  /**
   * The response keys this fetch fills: a root fetch's root fields, an entity fetch's fields on
   * each entity (`__typename` aside). A failed fetch reports an error at each of them.
   */
  fills: readonly string[];
}

export type PreparedNode =
  | { kind: 'Sequence'; nodes: PreparedNode[] }
  | { kind: 'Parallel'; nodes: PreparedNode[] }
  | { kind: 'Flatten'; path: ResponsePath; node: PreparedNode }
  | { kind: 'Condition'; variable: string; defaultValue: unknown; ifClause?: PreparedNode; elseClause?: PreparedNode }
  | PreparedFetch;

export interface PreparedPlan {
  readonly schema: ExecutionSchema;
  readonly root?: PreparedNode;
  readonly projection: OperationProjection;
}

/** Thrown at preparation for a plan this executor does not run (`Defer`, `Subscription`, unknown kinds). */
export class UnsupportedPlanError extends Error {
  override name = 'UnsupportedPlanError';
}

/**
 * @param document the client's operation document (validated against the API schema)
 * @param operationName which operation of the document, when it has several
 */
export function preparePlan(schema: ExecutionSchema, plan: QueryPlan, document: DocumentNode, operationName?: string): PreparedPlan {
  const definition = selectOperation(document, operationName);
  const operation = operationFromDocument(schema.api, document, { operationName, validate: false });
  const defaults = operation.collectDefaultedVariableValues();
  const root = plan.node ? prepareNode(plan.node, defaults) : undefined;
  return { schema, root, projection: compileProjection(schema, operation, definition) };
}

function selectOperation(document: DocumentNode, operationName: string | undefined): OperationDefinitionNode {
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const found = operationName ? operations.find((definition) => definition.name?.value === operationName) : operations[0];
  if (!found || (!operationName && operations.length > 1)) {
    throw new Error(operationName ? `Unknown operation named "${operationName}".` : 'Must provide exactly one operation or an operation name.');
  }
  return found;
}

function prepareNode(node: { kind: string }, defaults: Record<string, unknown>): PreparedNode {
  const planNode = node as PlanNode;
  switch (planNode.kind) {
    case 'Sequence':
    case 'Parallel':
      return { kind: planNode.kind, nodes: planNode.nodes.map((child) => prepareNode(child, defaults)) };
    case 'Flatten':
      return { kind: 'Flatten', path: planNode.path, node: prepareNode(planNode.node, defaults) };
    case 'Condition': {
      const prepared: PreparedNode = { kind: 'Condition', variable: planNode.condition, defaultValue: defaults[planNode.condition] };
      if (planNode.ifClause) prepared.ifClause = prepareNode(planNode.ifClause, defaults);
      if (planNode.elseClause) prepared.elseClause = prepareNode(planNode.elseClause, defaults);
      return prepared;
    }
    case 'Fetch':
      return prepareFetch(planNode);
    default:
      throw new UnsupportedPlanError(`Query plan node kind "${node.kind}" is not supported by bizgraph's executor`);
  }
}

/** Response keys of the fetch's top-level selection, or of the selections under `_entities` for an entity fetch. */
function filledKeys(operation: string, entityFetch: boolean): string[] {
  const definition = parse(operation).definitions.find((node) => node.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode | undefined;
  const top = definition?.selectionSet.selections ?? [];
  const entities = top.find((selection): selection is FieldNode => selection.kind === Kind.FIELD && selection.name.value === '_entities');
  const selections = entityFetch
    ? (entities?.selectionSet?.selections ?? []).flatMap((selection) => (selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet.selections : [selection]))
    : top;
  const keys = new Set<string>();
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD && selection.name.value !== '__typename') keys.add(selection.alias?.value ?? selection.name.value);
  }
  return [...keys];
}

function prepareFetch(node: FetchNode): PreparedFetch {
  const prepared: PreparedFetch = {
    kind: 'Fetch',
    serviceName: node.serviceName,
    operation: node.operation,
    variableUsages: node.variableUsages ?? [],
    fills: filledKeys(node.operation, node.requires !== undefined),
  };
  if (node.operationName) prepared.operationName = node.operationName;
  if (node.requires) prepared.representations = representationRecipe(node.requires, compileRewrites(node.inputRewrites));
  const outputRewrites = compileRewrites(node.outputRewrites);
  if (outputRewrites) prepared.outputRewrites = outputRewrites;
  const contextRewrites = compileContextRewrites(node.contextRewrites);
  if (contextRewrites) prepared.contextRewrites = contextRewrites;
  return prepared;
}
