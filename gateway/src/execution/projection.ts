import { Kind, OperationTypeNode, type DocumentNode, type OperationDefinitionNode, type VariableDefinitionNode } from 'graphql';
import {
  Variable,
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  type Operation,
  type FieldSelection,
  type OutputType,
  type Selection,
  type SelectionSet,
} from '@apollo/federation-internals';
import type { ExecutionSchema } from './schema-index.js';
import { variablesUsedBy } from './variables.js';

/**
 * The client operation compiled once per plan into the tree the shaping pass walks: fragments
 * expanded, `@skip`/`@include` reduced to a variable name or a constant, types reduced to the few
 * facts shaping checks. Built from @apollo/federation-internals' `Operation` (the same normalisation
 * @apollo/gateway shapes with) so both agree on which selections exist and in which order.
 */

/** `@skip(if:)` / `@include(if:)`: a literal, or the variable to read at request time. */
export type ConditionValue = boolean | { variable: string };

export interface SelectionConditions {
  skip?: ConditionValue;
  include?: ConditionValue;
}

export type LeafKind = 'custom' | 'boolean' | 'integer' | 'id' | 'float' | 'string' | 'enum';

/** A field's output type, unwrapped into what shaping needs; `text` is the type as messages print it. */
export type ShapeType =
  | { kind: 'nonNull'; ofType: ShapeType; text: string }
  | { kind: 'list'; ofType: ShapeType; text: string }
  | { kind: 'composite'; text: string }
  | { kind: 'leaf'; leaf: LeafKind; enumValues?: ReadonlySet<string>; text: string };

export interface FieldProjection {
  kind: 'field';
  responseName: string;
  /** `__typename` is answered from the type system, not copied. */
  isTypename: boolean;
  /** `__schema` / `__type`: answered by graphql-js over the API schema with this document. */
  introspection?: DocumentNode;
  conditions?: SelectionConditions;
  type: ShapeType;
  selections?: ProjectionSelection[];
}

export interface FragmentProjection {
  kind: 'fragment';
  typeCondition?: string;
  conditions?: SelectionConditions;
  selections: ProjectionSelection[];
}

export type ProjectionSelection = FieldProjection | FragmentProjection;

export interface OperationProjection {
  rootTypeName: string;
  selections: ProjectionSelection[];
  /** Defaults of the operation's variables, under the client's values (shaping reads both). */
  defaultedVariables: Record<string, unknown>;
}

export function compileProjection(schema: ExecutionSchema, operation: Operation, definition: OperationDefinitionNode): OperationProjection {
  const rootType = schema.api.schemaDefinition.rootType(operation.rootKind);
  if (!rootType) throw new Error(`The API schema has no ${operation.rootKind} root type`);
  const context = { schema, variableDefinitions: definition.variableDefinitions ?? [] };
  return {
    rootTypeName: rootType.name,
    selections: compileSelectionSet(operation.selectionSet, context),
    defaultedVariables: operation.collectDefaultedVariableValues(),
  };
}

interface CompileContext {
  schema: ExecutionSchema;
  variableDefinitions: readonly VariableDefinitionNode[];
}

function compileSelectionSet(selectionSet: SelectionSet, context: CompileContext): ProjectionSelection[] {
  return selectionSet.selections().map((selection) => compileSelection(selection, context));
}

function compileSelection(selection: Selection, context: CompileContext): ProjectionSelection {
  const conditions = conditionsOf(selection, context);
  if (selection.kind === 'FieldSelection') {
    const field = selection.element;
    const compiled: FieldProjection = {
      kind: 'field',
      responseName: field.responseName(),
      isTypename: field.name === '__typename',
      type: shapeOf(field.definition.type as OutputType),
    };
    if (conditions) compiled.conditions = conditions;
    if (field.definition.isSchemaIntrospectionField()) {
      compiled.introspection = introspectionDocument(selection, context.variableDefinitions);
    } else if (selection.selectionSet) {
      compiled.selections = compileSelectionSet(selection.selectionSet, context);
    }
    return compiled;
  }
  const compiled: FragmentProjection = { kind: 'fragment', selections: compileSelectionSet(selection.selectionSet, context) };
  if (selection.element.typeCondition) compiled.typeCondition = selection.element.typeCondition.name;
  if (conditions) compiled.conditions = conditions;
  return compiled;
}

/** Only the first `@skip` and the first `@include` count, as in @apollo/gateway's shaping. */
function conditionsOf(selection: Selection, context: CompileContext): SelectionConditions | undefined {
  const element = selection.element;
  const schema = context.schema.api;
  const skip = element.appliedDirectivesOf(schema.skipDirective())[0];
  const include = element.appliedDirectivesOf(schema.includeDirective())[0];
  if (!skip && !include) return undefined;
  const conditions: SelectionConditions = {};
  if (skip) conditions.skip = conditionValue(skip.arguments().if);
  if (include) conditions.include = conditionValue(include.arguments().if);
  return conditions;
}

function conditionValue(value: unknown): ConditionValue {
  return value instanceof Variable ? { variable: value.name } : (value as boolean);
}

function shapeOf(type: OutputType): ShapeType {
  const text = type.toString();
  if (isNonNullType(type)) return { kind: 'nonNull', ofType: shapeOf(type.ofType), text };
  if (isListType(type)) return { kind: 'list', ofType: shapeOf(type.ofType), text };
  if (isCompositeType(type)) return { kind: 'composite', text };
  if (isEnumType(type)) return { kind: 'leaf', leaf: 'enum', enumValues: new Set(type.values.map((value) => value.name)), text };
  if (isCustomScalarType(type)) return { kind: 'leaf', leaf: 'custom', text };
  return { kind: 'leaf', leaf: BUILT_IN_LEAVES[type.name] ?? 'custom', text };
}

const BUILT_IN_LEAVES: Record<string, LeafKind> = { Boolean: 'boolean', Int: 'integer', ID: 'id', Float: 'float', String: 'string' };

/** The stand-alone query @apollo/gateway hands graphql-js for one introspection field. */
function introspectionDocument(selection: FieldSelection, variableDefinitions: readonly VariableDefinitionNode[]): DocumentNode {
  const selectionNode = selection.expandFragments(undefined).toSelectionNode();
  const used = variablesUsedBy(selectionNode);
  return {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: OperationTypeNode.QUERY,
        variableDefinitions: variableDefinitions.filter((definition) => used.has(definition.variable.name.value)),
        selectionSet: { kind: Kind.SELECTION_SET, selections: [selectionNode] },
      },
    ],
  };
}
