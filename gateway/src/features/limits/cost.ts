import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  Kind,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLError,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { listSizesOf } from './list-sizes.js';

/**
 * The cost model handed to graphql-armor: every object in the answer costs 1, scalars are free
 * (the token limit already bounds how many a document can name), nesting adds no factor, and a
 * field with `first`/`last` multiplies its subtree by that number. The cost is thus an upper
 * bound of the objects the gateway may have to fetch and merge: `orders(first: 500) { nodes {
 * number customer { name } invoice { number } } }` costs 2000, while `customers(first: 100) {
 * nodes { orders(first: 100) { nodes { number } } } }` costs 20200. A paged field whose `first` is
 * omitted (or null) is costed at the schema's default for it, which is what the subgraph serves,
 * and an unpaged list at the `@listSize(assumedSize:)` its owner declared: graphql-armor alone
 * counts both as one item, so leaving `first` out slipped any nesting past the limit
 * (`customers { nodes { orders { nodes { lines { quantity } } } } }` is 400 orders, not 1).
 */
const COST_MODEL = { objectCost: 1, scalarCost: 0, depthCostFactor: 1, flattenFragments: true } as const;

/** The paging arguments the cost rule multiplies a list's selection by (graphql-armor reads these two). */
export const PAGE_ARGUMENTS: ReadonlySet<string> = new Set(['first', 'last']);

export const isPageArgument = (argument: ArgumentNode): boolean => PAGE_ARGUMENTS.has(argument.name.value);

type Handler<Details> = (context: ValidationContext | null, details: Details) => void;

/**
 * graphql-armor's cost rule alone, with the given limit and what it does on a refusal or a pass,
 * measured on the document with its omitted page sizes written in (`withDefaultPageSizes`): the
 * handlers' context is that document's, so a refusal's hint can name an omitted `first` too.
 */
export function armorCostRule(maxCost: number, handlers: { onReject?: Handler<GraphQLError>[]; onAccept?: Handler<{ n: number }>[] }): ValidationRule {
  const armor = new ApolloArmor({
    blockFieldSuggestion: { enabled: false },
    maxTokens: { enabled: false },
    maxDepth: { enabled: false },
    maxAliases: { enabled: false },
    maxDirectives: { enabled: false },
    costLimit: { maxCost, ignoreIntrospection: true, ...COST_MODEL, exposeLimits: true, propagateOnRejection: false, ...handlers },
  });
  const [rule] = armor.protect().validationRules;
  if (!rule) throw new Error('graphql-armor returned no cost rule');
  return (context) => ({
    Document(document) {
      const schema = context.getSchema();
      for (const error of validate(schema, withDefaultPageSizes(schema, document), [rule])) context.reportError(error);
      return false;
    },
  });
}

/** Page sizes written in for lists without a `first` argument: costed, but no size a client could write. */
const assumedSizes = new WeakSet<ArgumentNode>();

/**
 * The document as the cost limit measures it: `first: <n>` written into every list field that
 * omits its page size (or writes `first: null`), `n` being the field's default `first`, or for a
 * list without one the `@listSize(assumedSize:)` its owner declared (`list-sizes.ts`). The document
 * itself when nothing was written in. A page from a variable is left alone: validation runs before
 * variables are known, and the per-request check writes them in first (`inlinePageVariables`). A
 * list with neither (a foreign supergraph's) still counts as one item.
 */
export function withDefaultPageSizes(schema: GraphQLSchema, document: DocumentNode): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  const listSizes = listSizesOf(schema);
  let changed = false;
  const sized = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node): FieldNode | undefined {
        const written = node.arguments?.find(isPageArgument);
        if (written && written.value.kind !== Kind.NULL) return undefined;
        const field = typeInfo.getFieldDef();
        if (!field) return undefined;
        const pageArgument = field.args.find((argument) => argument.name === 'first');
        const size = pageArgument?.defaultValue ?? listSizes.get(`${typeInfo.getParentType()?.name ?? ''}.${field.name}`);
        if (typeof size !== 'number' || !Number.isInteger(size)) return undefined;
        changed = true;
        const first: ArgumentNode = { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'first' }, value: { kind: Kind.INT, value: String(size) } };
        if (!pageArgument) assumedSizes.add(first);
        return { ...node, arguments: [...(node.arguments ?? []).filter((argument) => argument !== written), first] };
      },
    }),
  );
  return changed ? sized : document;
}

export type CostMeter = (document: DocumentNode, schema: GraphQLSchema) => number;

/** The cost of a document's costliest operation by the limit's own rule, with no limit. */
export function costMeter(): CostMeter {
  let costliest = 0;
  const rule = armorCostRule(Number.MAX_SAFE_INTEGER, { onAccept: [(_context, { n }) => void (costliest = Math.max(costliest, n))] });
  return (document, schema) => {
    costliest = 0;
    validate(schema, document, [rule]);
    return costliest;
  };
}

/** The document with one page-size argument set to `size`. */
export function withPageSize(document: DocumentNode, argument: ArgumentNode, size: number): DocumentNode {
  return visit(document, { Argument: (node) => (node === argument ? { ...node, value: { kind: Kind.INT, value: String(size) } } : undefined) });
}

/**
 * The largest size in [1, upTo] for which `costAt(size)` stays within `maxCost` (0 when even 1 does
 * not): the cost grows with a page size, so bisection finds it with the limit's own arithmetic.
 */
export function largestFitting(costAt: (size: number) => number, maxCost: number, upTo: number): number {
  if (costAt(1) > maxCost) return 0;
  if (costAt(upTo) <= maxCost) return upTo;
  let [fits, exceeds] = [1, upTo];
  while (exceeds - fits > 1) {
    const middle = Math.floor((fits + exceeds) / 2);
    if (costAt(middle) <= maxCost) fits = middle;
    else exceeds = middle;
  }
  return fits;
}

/** What a client can change to fit the cost limit: one list's page size. */
export interface CostHint {
  /** The list's response path, aliases as the client wrote them (`customers.nodes.orders`). */
  field: string;
  /** `first` or `last`, as the operation wrote it. */
  argument: string;
  /** The largest page size for that list that fits, every other list unchanged. */
  largest: number;
}

/** How many paged lists are tried: the token limit bounds a document, this bounds the work of a refusal. */
const MAX_CANDIDATES = 20;

interface PagedList {
  argument: ArgumentNode;
  field: string;
  size: number;
}

/**
 * For an operation over the cost limit: the list whose page size weighs most (set to 1, it lowers
 * the cost the most) and the largest size it may have, measured with the rule that refused the
 * operation, so the hint agrees with the limit by construction. This runs only for refused
 * operations. Undefined when no single list can bring the cost under the limit.
 */
export function costHint(document: DocumentNode, maxCost: number, costOf: (document: DocumentNode) => number): CostHint | undefined {
  const costAt = (list: PagedList) => (size: number) => costOf(withPageSize(document, list.argument, size));
  let heaviest: { list: PagedList; cost: number } | undefined;
  for (const list of pagedLists(document)) {
    const cost = costAt(list)(1);
    if (!heaviest || cost < heaviest.cost) heaviest = { list, cost };
  }
  if (!heaviest || heaviest.cost > maxCost) return undefined;
  const largest = largestFitting(costAt(heaviest.list), maxCost, heaviest.list.size - 1);
  return { field: heaviest.list.field, argument: heaviest.list.argument.name.value, largest };
}

/** Fields paged with an integer `first`/`last` over 1, with their response paths. */
function pagedLists(document: DocumentNode): PagedList[] {
  const lists: PagedList[] = [];
  visit(document, {
    Argument(node, _key, _parent, _path, ancestors) {
      if (lists.length >= MAX_CANDIDATES) return false;
      if (!isPageArgument(node) || node.value.kind !== Kind.INT || assumedSizes.has(node)) return undefined;
      const size = Number(node.value.value);
      if (size > 1) lists.push({ argument: node, field: responsePath(ancestors), size });
      return undefined;
    },
  });
  return lists;
}

/** Inside a fragment the path starts at the fragment (`...History.orders`): where it is spread is not one place. */
function responsePath(ancestors: ReadonlyArray<ASTNode | ReadonlyArray<ASTNode>>): string {
  return ancestors
    .flatMap((node) => {
      if (!('kind' in node)) return [];
      if (node.kind === Kind.FIELD) return [(node.alias ?? node.name).value];
      return node.kind === Kind.FRAGMENT_DEFINITION ? [`...${node.name.value}`] : [];
    })
    .join('.');
}
