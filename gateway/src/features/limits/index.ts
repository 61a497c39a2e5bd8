import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  Kind,
  validate,
  visit,
  type ArgumentNode,
  type DocumentNode,
  type GraphQLError,
  type OperationDefinitionNode,
  type ParseOptions,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { OperationLimits } from '../../config.js';
import type { GatewayContext } from '../../context.js';
import { operationLimitError, type OperationLimit } from '../../errors.js';
import type { GatewayFeature } from '../../feature.js';
import { knownOperationTypesRule } from '../../../../common/known-operation-types.js';
import { armorCostRule, costHint, costMeter, isPageArgument, type CostMeter } from './cost.js';
import { stringLiteralRule, variableStringsPlugin } from './strings.js';

export interface LimitOptions extends GatewayFeature {
  /** Apollo Server `validationRules`: operation types, string literals, depth, aliases, directives and cost (variables read as 1). */
  validationRules: ValidationRule[];
  /** Apollo Server `parseOptions`: graphql-js stops lexing past the token limit. */
  parseOptions: ParseOptions;
  /** Re-checks the cost with the request's variables when `first`/`last` come from variables. */
  plugins: ApolloServerPlugin<GatewayContext>[];
}

/**
 * Operation limits with `@escape.tech/graphql-armor`. Of what `ApolloArmor.protect()` returns only
 * its validation rules are used: its token plugin throws from `parsingDidStart`, which Apollo
 * Server answers with a 500 (graphql-js's own `maxTokens` parse option gives a 400 parse error
 * instead); its field-suggestion masking rewrites messages to `… [Suggestion hidden]?` and misses
 * enum suggestions (errors.ts strips suggestions in production); its `allowBatchedHttpRequests:
 * false` and `includeStacktraceInErrorResponses: false` would override server.ts's own choices.
 * Every violation is reported as `OPERATION_LIMIT_EXCEEDED` with `extensions.limit` (errors.ts maps
 * Apollo's GRAPHQL_VALIDATION_FAILED / GRAPHQL_PARSE_FAILED wrappers back to it).
 */
export function createOperationLimits(limits: OperationLimits): LimitOptions {
  const common = (limit: OperationLimit, max: number) => ({
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [reportLimit(limit, max)],
  });
  const { validationRules } = new ApolloArmor({
    blockFieldSuggestion: { enabled: false },
    maxTokens: { enabled: false },
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true, ...common('depth', limits.maxDepth) },
    maxAliases: { n: limits.maxAliases, ...common('aliases', limits.maxAliases) },
    maxDirectives: { n: limits.maxDirectives, ...common('directives', limits.maxDirectives) },
    // Cost is one rule of its own (first, where graphql-armor puts it): validation and the
    // per-request re-check with variables use the same rule, which also says what would fit.
    costLimit: { enabled: false },
  }).protect();
  const costRule = armorCostRule(limits.maxCost, { onReject: [reportCost(limits.maxCost, costMeter())] });
  return {
    validationRules: [knownOperationTypesRule, stringLiteralRule(limits.maxStringBytes), costRule, ...validationRules],
    parseOptions: { maxTokens: limits.maxTokens },
    plugins: [variableStringsPlugin(limits.maxStringBytes), variableCostPlugin(costRule)],
  };
}

/** graphql-armor's rules only expose their findings in the message ("…, found 14."). */
const FOUND = /found (\d+(?:\.\d+)?)\.?$/;

function reportLimit(limit: OperationLimit, max: number) {
  return (context: ValidationContext | null, error: GraphQLError): void => {
    const found = FOUND.exec(error.message);
    context?.reportError(operationLimitError(limit, max, found ? Number(found[1]) : undefined));
  };
}

/**
 * A refused cost also says which list to shrink and to what (`extensions.field`, `largestFirst`):
 * the right page size is otherwise found by trial and error.
 */
function reportCost(maxCost: number, costOf: CostMeter) {
  return (context: ValidationContext | null, error: GraphQLError): void => {
    const found = FOUND.exec(error.message);
    const cost = found ? Number(found[1]) : undefined;
    const hint = context ? costHint(context.getDocument(), maxCost, (document) => costOf(document, context.getSchema())) : undefined;
    if (!hint) return void context?.reportError(operationLimitError('cost', maxCost, cost));
    const message = `Operation cost${cost === undefined ? '' : ` ${cost}`} exceeds the limit of ${maxCost}; ${hint.field}(${hint.argument}: ${hint.largest}) would fit`;
    context?.reportError(operationLimitError('cost', maxCost, cost, { field: hint.field, message, largestFirst: hint.largest }));
  };
}

/**
 * Validation runs once per document (Apollo caches it), before variables are known, so
 * `orders(first: $n)` counts as one page of 1 there. For operations that page with variables the
 * cost is checked again here, with those variables written into the operation as literals.
 */
function variableCostPlugin(costRule: ValidationRule): ApolloServerPlugin<GatewayContext> {
  const pagesWithVariables = new WeakMap<DocumentNode, boolean>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          if (!operation) return;
          let paged = pagesWithVariables.get(document);
          if (paged === undefined) {
            paged = hasVariablePageArgument(document);
            pagesWithVariables.set(document, paged);
          }
          if (!paged) return;
          const inlined = inlinePageVariables(document, operation, request.variables ?? {});
          const [error] = validate(schema, inlined, [costRule]);
          if (error) throw error;
        },
      };
    },
  };
}

function isVariablePage(node: ArgumentNode): boolean {
  return isPageArgument(node) && node.value.kind === Kind.VARIABLE;
}

export function hasVariablePageArgument(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Argument(node) {
      if (!isVariablePage(node)) return undefined;
      found = true;
      return false;
    },
  });
  return found;
}

/**
 * The selected operation and the document's fragments, with every `first: $v` / `last: $v`
 * replaced by the integer the request sends (or the variable's default), or by `null` when it sends
 * none or null: the field's own default applies then, and the cost rule writes that in. Non-integer
 * values are left alone: execution rejects them anyway.
 */
export function inlinePageVariables(document: DocumentNode, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>): DocumentNode {
  const defaults = new Map(
    (operation.variableDefinitions ?? []).flatMap((definition) =>
      definition.defaultValue?.kind === Kind.INT ? [[definition.variable.name.value, Number(definition.defaultValue.value)] as const] : [],
    ),
  );
  const selected: DocumentNode = {
    ...document,
    definitions: document.definitions.filter((definition) => definition === operation || definition.kind === Kind.FRAGMENT_DEFINITION),
  };
  return visit(selected, {
    Argument(node): ArgumentNode | undefined {
      if (!isVariablePage(node) || node.value.kind !== Kind.VARIABLE) return undefined;
      const name = node.value.name.value;
      const value = variables[name] ?? defaults.get(name);
      if (value === undefined || value === null) return { ...node, value: { kind: Kind.NULL } };
      if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
      return { ...node, value: { kind: Kind.INT, value: String(value) } };
    },
  });
}
