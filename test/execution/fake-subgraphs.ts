import {
  execute,
  getNamedType,
  getNullableType,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isScalarType,
  parse,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLOutputType,
  type GraphQLSchema,
  type GraphQLTypeResolver,
} from 'graphql';
import { randomFor, stableStringify } from './random.js';

/**
 * Stand-in subgraphs for the differential test. Each answers by executing the operation it is
 * sent with graphql-js against its own schema (extracted from the supergraph), with values derived
 * only from the parent's seed, the field and its arguments. Entities are answered one
 * representation at a time from the representation alone, so a request with duplicate
 * representations (@apollo/gateway) and one without (bizgraph) get the same answer per entity.
 */

export interface WireResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** Faults a case injects; every decision is a function of the case's seed and what is asked. */
export interface FaultPlan {
  seed: string;
  /** Subgraph whose every request throws (down). */
  downSubgraph?: string;
  /** Share of values replaced by null after execution (also in non-null positions). */
  nullRate: number;
  /** Share of answer units (root answer, one entity) given an extra error with a path. */
  pathErrorRate: number;
  /** Share of requests given an extra error without a path. */
  pathlessErrorRate: number;
}

export const NO_FAULTS: FaultPlan = { seed: 'none', nullRate: 0, pathErrorRate: 0, pathlessErrorRate: 0 };

interface Seeded {
  __seed: string;
  __typename: string;
  __representation?: Record<string, unknown>;
}

const EXTENSION_CHOICES: (Record<string, unknown> | undefined)[] = [
  undefined,
  { code: 'FORBIDDEN' },
  { code: 'INVALID_GRAPHQL' },
  { code: 'DOWNSTREAM_SERVICE_ERROR', detail: 1 },
  { retryable: true },
];

export class FakeSubgraphs {
  private readonly documents = new Map<string, DocumentNode>();
  /** Answer units by key, as JSON text: both executors get equal bytes per unit. */
  private readonly units = new Map<string, string>();

  constructor(private readonly schemas: ReadonlyMap<string, GraphQLSchema>) {}

  /** Answers one request; throws for a subgraph the faults take down. Returns fresh JSON each time. */
  answer(subgraph: string, query: string, variables: Record<string, unknown>, faults: FaultPlan): WireResponse {
    if (faults.downSubgraph === subgraph) throw new Error(`Subgraph "${subgraph}" is unavailable`);
    const { representations, ...others } = variables as { representations?: Record<string, unknown>[] };
    const base = `${faults.seed}|${subgraph}|${query}|${stableStringify(others)}`;
    const response: WireResponse = representations
      ? this.entitiesAnswer(subgraph, query, others, representations, faults, base)
      : this.unit(subgraph, query, others, faults, base, undefined);
    const requestRandom = randomFor(`${base}|request`);
    if (requestRandom.chance(faults.pathlessErrorRate)) {
      (response.errors ??= []).push({ message: `Injected request failure in ${subgraph}`, ...withExtensions(requestRandom.pick(EXTENSION_CHOICES)) });
    }
    return response;
  }

  private entitiesAnswer(
    subgraph: string,
    query: string,
    others: Record<string, unknown>,
    representations: Record<string, unknown>[],
    faults: FaultPlan,
    base: string,
  ): WireResponse {
    const entities: unknown[] = [];
    const errors: NonNullable<WireResponse['errors']> = [];
    representations.forEach((representation, index) => {
      const one = this.unit(subgraph, query, { ...others, representations: [representation] }, faults, `${base}|${stableStringify(representation)}`, representation);
      entities.push((one.data?._entities as unknown[] | undefined)?.[0] ?? null);
      for (const error of one.errors ?? []) {
        errors.push(error.path && error.path[0] === '_entities' ? { ...error, path: ['_entities', index, ...error.path.slice(2)] } : error);
      }
    });
    return errors.length > 0 ? { data: { _entities: entities }, errors } : { data: { _entities: entities } };
  }

  private unit(
    subgraph: string,
    query: string,
    variables: Record<string, unknown>,
    faults: FaultPlan,
    key: string,
    representation: Record<string, unknown> | undefined,
  ): WireResponse {
    let text = this.units.get(key);
    if (text === undefined) {
      const result = this.execute(subgraph, query, variables, representation);
      injectFaults(result, faults, key);
      text = JSON.stringify(result);
      this.units.set(key, text);
    }
    return JSON.parse(text) as WireResponse;
  }

  private execute(subgraph: string, query: string, variables: Record<string, unknown>, representation: Record<string, unknown> | undefined): WireResponse {
    const schema = this.schemas.get(subgraph);
    if (!schema) throw new Error(`No schema for subgraph ${subgraph}`);
    let document = this.documents.get(query);
    if (!document) this.documents.set(query, (document = parse(query)));
    const rootValue: Seeded = { __seed: `${subgraph}:root`, __typename: 'Query' };
    const result = execute({ schema, document, rootValue, variableValues: variables, fieldResolver: resolveField, typeResolver: resolveType, contextValue: { representation } });
    if ('then' in result) throw new Error('fake subgraphs resolve synchronously');
    const wire = JSON.parse(JSON.stringify(result)) as WireResponse & { extensions?: unknown };
    delete wire.extensions;
    for (const error of wire.errors ?? []) delete (error as { locations?: unknown }).locations;
    return wire;
  }
}

function withExtensions(extensions: Record<string, unknown> | undefined) {
  return extensions ? { extensions } : {};
}

const resolveType: GraphQLTypeResolver<unknown, unknown> = (value) => (value as Seeded).__typename;

const resolveField: GraphQLFieldResolver<unknown, unknown> = (source, args, _context, info) => {
  const parent = source as Partial<Seeded> & Record<string, unknown>;
  if (info.fieldName === '_entities') {
    return (args.representations as Record<string, unknown>[]).map((representation) => ({
      __seed: `entity:${stableStringify(representation)}`,
      __typename: representation.__typename,
      __representation: representation,
    }));
  }
  // Keys and @requires/@external fields come back as the gateway sent them.
  if (parent.__representation && Object.prototype.hasOwnProperty.call(parent.__representation, info.path.key)) {
    return parent.__representation[info.path.key as string];
  }
  if (parent.__seed === undefined) return parent[info.fieldName];
  const seed = `${parent.__seed}.${info.fieldName}(${stableStringify(args)})`;
  return generate(info.returnType, seed, info.schema);
};

function generate(type: GraphQLOutputType, seed: string, schema: GraphQLSchema): unknown {
  const random = randomFor(seed);
  if (!isNonNullType(type) && random.chance(0.1)) return null;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    return Array.from({ length: random.int(4) }, (_, index) => generate(nullable.ofType, `${seed}[${index}]`, schema));
  }
  const named = getNamedType(nullable);
  if (isEnumType(named)) return random.pick(named.getValues()).value;
  if (isScalarType(named)) return scalarValue(named.name, random.int(1000));
  const concrete = isAbstractType(named) ? random.pick(schema.getPossibleTypes(named)).name : named.name;
  return { __seed: seed, __typename: concrete };
}

function scalarValue(typeName: string, number: number): unknown {
  switch (typeName) {
    case 'Int':
      return number;
    case 'Float':
      return number / 4;
    case 'Boolean':
      return number % 2 === 0;
    case 'ID':
      // Few distinct ids: the same entity is reached from many places, so deduplication is exercised.
      return `id-${number % 5}`;
    case 'String':
      return `s${number % 7}`;
    default:
      return `${typeName.toLowerCase()}-${number}`;
  }
}

/** Nulls and errors with paths, chosen per answer unit from its key. */
function injectFaults(result: WireResponse, faults: FaultPlan, key: string): void {
  if (!result.data || (faults.nullRate === 0 && faults.pathErrorRate === 0)) return;
  const random = randomFor(`${key}|faults`);
  const positions: (string | number)[][] = [];
  const visit = (value: unknown, path: (string | number)[]) => {
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      const childPath = [...path, Array.isArray(value) ? Number(key) : key];
      if (childPath.length > 1 || key !== '_entities') positions.push(childPath);
      if (child !== null && random.chance(faults.nullRate) && key !== '_entities' && key !== '__typename') {
        (value as Record<string, unknown>)[key] = null;
      } else {
        visit(child, childPath);
      }
    }
  };
  visit(result.data, []);
  if (positions.length > 0 && random.chance(faults.pathErrorRate)) {
    const path = random.pick(positions);
    (result.errors ??= []).push({ message: `Injected failure at ${path.join('.')}`, path, ...withExtensions(random.pick(EXTENSION_CHOICES)) });
  }
}
