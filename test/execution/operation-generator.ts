import {
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { Random } from './random.js';

/**
 * Seeded generator of client operations over an API schema: nested selections across subgraphs,
 * lists, aliases (the same field twice with different arguments), inline and named fragments on
 * abstract types, `__typename` anywhere, `@skip`/`@include` on variables and arguments from the
 * schema. Output may occasionally be invalid; the caller validates and skips those.
 */

export interface GeneratedOperation {
  query: string;
  variables: Record<string, unknown>;
}

interface Build {
  random: Random;
  schema: GraphQLSchema;
  variableDefinitions: string[];
  variables: Record<string, unknown>;
  fragments: string[];
  counter: number;
}

const MAX_DEPTH = 3;

export function generateOperation(schema: GraphQLSchema, random: Random): GeneratedOperation {
  const build: Build = { random, schema, variableDefinitions: [], variables: {}, fragments: [], counter: 0 };
  const mutationType = schema.getMutationType();
  const useMutation = !!mutationType && random.chance(0.1);
  const root = useMutation ? mutationType : schema.getQueryType()!;
  const selection = selectionSet(build, root, 0, useMutation ? 1 + random.int(2) : 1 + random.int(3));
  const keyword = useMutation ? 'mutation' : 'query';
  const variables = build.variableDefinitions.length > 0 ? `(${build.variableDefinitions.join(', ')})` : '';
  const query = [`${keyword} Generated${variables} ${selection}`, ...build.fragments].join('\n');
  return { query, variables: build.variables };
}

function selectionSet(build: Build, type: GraphQLCompositeType, depth: number, fieldCount: number): string {
  const { random } = build;
  const parts: string[] = [];
  if (isUnionType(type) || random.chance(0.15)) parts.push(`${alias(build)}__typename`);
  if (!isUnionType(type)) {
    const fields = Object.values(type.getFields());
    for (let index = 0; index < fieldCount; index++) {
      const field = random.pick(fields);
      parts.push(fieldSelection(build, field, depth));
      // The same field again under another alias, usually with other arguments.
      if (random.chance(0.12)) parts.push(fieldSelection(build, field, depth, true));
    }
  }
  if (isAbstractType(type)) {
    for (const possible of build.schema.getPossibleTypes(type)) {
      if (random.chance(0.5)) parts.push(fragment(build, possible, depth));
    }
  } else if (isObjectType(type) && random.chance(0.1)) {
    const interfaces = type.getInterfaces();
    parts.push(fragment(build, interfaces.length > 0 && random.chance(0.6) ? random.pick(interfaces) : type, depth));
  }
  if (parts.length === 0) parts.push('__typename');
  return `{ ${parts.join(' ')} }`;
}

/** An inline fragment, or a named one spread here, on `type`. */
function fragment(build: Build, type: GraphQLCompositeType, depth: number): string {
  const body = selectionSet(build, type, depth, 1 + build.random.int(2));
  const directive = condition(build);
  if (build.random.chance(0.35)) {
    const name = `F${build.counter++}`;
    build.fragments.push(`fragment ${name} on ${type.name} ${body}`);
    return `...${name}${directive}`;
  }
  return `... on ${type.name}${directive} ${body}`;
}

function fieldSelection(build: Build, field: GraphQLField<unknown, unknown>, depth: number, forceAlias = false): string {
  const { random } = build;
  const named = getNamedType(field.type);
  const args = field.args.filter((arg) => isNonNullType(arg.type) || random.chance(0.3)).map((arg) => `${arg.name}: ${argumentValue(build, arg.type, 0)}`);
  const head = `${forceAlias ? `a${build.counter++}: ` : alias(build)}${field.name}${args.length > 0 ? `(${args.join(', ')})` : ''}${condition(build)}`;
  if (isLeafType(named)) return head;
  const composite = named as GraphQLCompositeType;
  if (depth >= MAX_DEPTH) return `${head} { __typename }`;
  return `${head} ${selectionSet(build, composite, depth + 1, 1 + random.int(3))}`;
}

function alias(build: Build): string {
  return build.random.chance(0.2) ? `a${build.counter++}: ` : '';
}

function condition(build: Build): string {
  const { random } = build;
  if (!random.chance(0.12)) return '';
  const directive = random.chance(0.5) ? 'skip' : 'include';
  if (random.chance(0.25)) return ` @${directive}(if: ${random.chance(0.5)})`;
  const name = `c${build.counter++}`;
  const withDefault = random.chance(0.3);
  build.variableDefinitions.push(`$${name}: Boolean${withDefault ? ` = ${random.chance(0.5)}` : '!'}`);
  if (!withDefault || random.chance(0.5)) build.variables[name] = random.chance(0.5);
  return ` @${directive}(if: $${name})`;
}

/** A literal for an argument, or (sometimes) a variable holding the same kind of value. */
function argumentValue(build: Build, type: GraphQLInputType, depth: number): string {
  if (depth === 0 && build.random.chance(0.25)) {
    const name = `v${build.counter++}`;
    build.variableDefinitions.push(`$${name}: ${type.toString()}`);
    build.variables[name] = jsonValue(build, type, 1);
    return `$${name}`;
  }
  return literal(jsonValue(build, type, depth + 1), getNamedType(type));
}

function jsonValue(build: Build, type: GraphQLInputType, depth: number): unknown {
  const { random } = build;
  if (!isNonNullType(type) && random.chance(0.1)) return null;
  const nullable = isNonNullType(type) ? type.ofType : type;
  if (isListType(nullable)) return Array.from({ length: random.int(3) }, () => jsonValue(build, nullable.ofType, depth + 1));
  if (isEnumType(nullable)) return random.pick(nullable.getValues()).name;
  if (isInputObjectType(nullable)) {
    const object: Record<string, unknown> = {};
    for (const field of Object.values(nullable.getFields())) {
      if (isNonNullType(field.type) || (depth < 3 && random.chance(0.3))) object[field.name] = jsonValue(build, field.type, depth + 1);
    }
    return object;
  }
  return scalar(random, (nullable as GraphQLNamedType).name);
}

function scalar(random: Random, name: string): unknown {
  switch (name) {
    case 'Int':
      return random.int(5);
    case 'Float':
      return random.int(100) / 4;
    case 'Boolean':
      return random.chance(0.5);
    case 'ID':
      return `id-${random.int(50)}`;
    case 'DateTime':
      return '2026-01-02T03:04:05Z';
    default:
      return `text-${random.int(20)}`;
  }
}

function literal(value: unknown, type: GraphQLNamedType): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((element) => literal(element, type)).join(', ')}]`;
  if (isEnumType(type)) return String(value);
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    const entries = Object.entries(value as Record<string, unknown>).map(([key, field]) => `${key}: ${literal(field, getNamedType(fields[key]!.type))}`);
    return `{ ${entries.join(', ')} }`;
  }
  if (isScalarType(type)) return JSON.stringify(value);
  return JSON.stringify(value);
}
