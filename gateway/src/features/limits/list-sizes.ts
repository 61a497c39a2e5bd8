import { buildASTSchema, Kind, parse, type ConstDirectiveNode, type ConstValueNode, type DocumentNode, type GraphQLSchema } from 'graphql';

/**
 * How many items an unpaged list is assumed to hold, as its owner declares it next to the field with
 * the cost spec's `@listSize(assumedSize: N)` (https://specs.apollo.dev/cost/v0.1, composed into
 * the supergraph). Keyed by coordinate, `Order.lines`. The cost limit multiplies such a list's
 * selection by N; without it an unpaged list counts as one item, however long it is.
 */
export type ListSizes = ReadonlyMap<string, number>;

const COST_SPEC = /^https:\/\/specs\.apollo\.dev\/cost\/v\d+\.\d+$/;

/**
 * The API schema Apollo's planner hands out drops the cost spec's directives, so each supergraph
 * version records its list sizes here under its API schema (the object validation rules see).
 */
const recorded = new WeakMap<GraphQLSchema, ListSizes>();

export function recordListSizes(apiSchema: GraphQLSchema, sizes: ListSizes): void {
  recorded.set(apiSchema, sizes);
}

/** The schema of supergraph SDL text as tools and tests validate against it, its list sizes recorded. */
export function buildSupergraphSchema(supergraphSdl: string): GraphQLSchema {
  const document = parse(supergraphSdl);
  const schema = buildASTSchema(document, { assumeValidSDL: true });
  recordListSizes(schema, readListSizes(document));
  return schema;
}

export function listSizesOf(schema: GraphQLSchema): ListSizes {
  return recorded.get(schema) ?? NONE;
}

const NONE: ListSizes = new Map();

/** Every `assumedSize` of the supergraph, under whatever name its `@link` gives the directive. */
export function readListSizes(supergraph: DocumentNode): ListSizes {
  const name = listSizeName(supergraph);
  const sizes = new Map<string, number>();
  if (!name) return sizes;
  for (const definition of supergraph.definitions) {
    if (!('fields' in definition) || !definition.fields || definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION || definition.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION) continue;
    for (const field of definition.fields) {
      const size = field.directives?.find((directive) => directive.name.value === name)?.arguments?.find((argument) => argument.name.value === 'assumedSize')?.value;
      if (size?.kind === Kind.INT) sizes.set(`${definition.name.value}.${field.name.value}`, Number(size.value));
    }
  }
  return sizes;
}

/** `listSize` when imported (or the name it is imported as), `<namespace>__listSize` otherwise; undefined without the spec. */
function listSizeName(supergraph: DocumentNode): string | undefined {
  for (const definition of supergraph.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      const url = argument(link, 'url');
      if (link.name.value !== 'link' || url?.kind !== Kind.STRING || !COST_SPEC.test(url.value)) continue;
      const imports = argument(link, 'import');
      for (const imported of imports?.kind === Kind.LIST ? imports.values : []) {
        if (imported.kind === Kind.STRING && imported.value === '@listSize') return 'listSize';
        if (imported.kind !== Kind.OBJECT) continue;
        const field = (key: string) => imported.fields.find((entry) => entry.name.value === key)?.value;
        const [from, as] = [field('name'), field('as')];
        if (from?.kind === Kind.STRING && from.value === '@listSize') return as?.kind === Kind.STRING ? as.value.replace(/^@/, '') : 'listSize';
      }
      const namespace = argument(link, 'as');
      return `${namespace?.kind === Kind.STRING ? namespace.value : 'cost'}__listSize`;
    }
  }
  return undefined;
}

function argument(directive: ConstDirectiveNode, name: string): ConstValueNode | undefined {
  return directive.arguments?.find((entry) => entry.name.value === name)?.value;
}
