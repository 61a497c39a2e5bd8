import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
} from 'graphql';
import { readSupergraphPolicy, type SupergraphPolicy } from '../../../gateway/src/authz/policy.js';
import { apiSchemaOf } from '../lib/api-schema.js';
import type { SubgraphOwner } from '../lib/owners.js';
import { compareText, formatScopes, requirementOf } from '../scopes-expr.js';
import { readJoinInfo, resolvingGraphs, type JoinInfo } from './join.js';
import { WRITE_REFERENCES, type WriteReference } from '../../../common/contracts/references.js';
import { fieldNamesOf, subgraphReferences, typeHomes, type Reference } from './references.js';

/** One field (or input field) of the API schema, with who owns it and what it takes to read it. */
export interface CatalogField {
  coordinate: string;
  name: string;
  /** Its GraphQL type as written, e.g. `[Order!]!`. */
  type: string;
  /** Arguments in declaration order, e.g. `id: ID!` (none for input fields). */
  arguments: { name: string; type: string; description: string | null }[];
  description: string | null;
  deprecationReason: string | null;
  /** Subgraphs that resolve it (several for a shared field). */
  subgraphs: string[];
  systems: string[];
  /** `@owner(team:)` on the field, else on its type, else the owners.yaml teams of its subgraphs. */
  teams: string[];
  /** Where `teams` comes from. */
  ownerSource: 'field' | 'type' | 'subgraph';
  /** Readable rule, e.g. `crm:read AND pii:read`; empty when no scope is needed (and for input fields). */
  requires: string;
  authenticated: boolean;
  /** `@tag` classification (pii, financial), sorted. */
  tags: string[];
}

export interface CatalogType {
  name: string;
  kind: 'object' | 'interface' | 'input' | 'enum' | 'union' | 'scalar';
  description: string | null;
  subgraphs: string[];
  /** Subgraph the catalog files the type under: see references.ts for the rule. */
  home: string | null;
  /** Key field sets when the type is an entity. */
  keys: string[];
  /** `@owner(team:)` on the type, when declared. */
  team: string | null;
  fields: CatalogField[];
  /** Enum values, or union members. */
  values: string[];
}

export interface CatalogSubgraph extends SubgraphOwner {
  name: string;
}

export interface Catalog {
  subgraphs: CatalogSubgraph[];
  types: CatalogType[];
  references: Reference[];
  /** The references a write makes into another system, checked by the gateway first (common/contracts/references.ts). */
  writeReferences: WriteReference[];
}

export interface CatalogInput {
  supergraphSdl: string;
  owners: Record<string, SubgraphOwner>;
  /** Defaults to the policy read from the supergraph itself. */
  policy?: SupergraphPolicy;
}

/** Builds the catalog of a composed supergraph; the output is sorted so it is stable across runs. */
export function buildCatalog({ supergraphSdl, owners, policy = readSupergraphPolicy(supergraphSdl) }: CatalogInput): Catalog {
  const schema = apiSchemaOf(supergraphSdl);
  const join = readJoinInfo(supergraphSdl);
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((t) => !!t).map((t) => t!.name));
  const homes = typeHomes(join, fieldNamesOf(schema), roots);
  const named = Object.values(schema.getTypeMap())
    .filter((type) => !type.name.startsWith('__') && !isSpecifiedScalarType(type))
    .sort((a, b) => compareText(a.name, b.name));
  // The supergraph's subgraphs, not owners.yaml's: an entry for a subgraph not composed yet has no types to show.
  const subgraphNames = new Set<string>();
  for (const graphs of join.typeGraphs.values()) graphs.forEach((graph) => subgraphNames.add(graph));
  const unknown = [...subgraphNames].filter((name) => !owners[name]).sort(compareText);
  if (unknown.length > 0) throw new Error(`schema/owners.yaml has no entry for subgraph(s) ${unknown.join(', ')}: add team, system, contact and sla`);
  const context = { join, owners, policy };
  return {
    subgraphs: [...subgraphNames].sort(compareText).map((name) => ({ name, ...owners[name]! })),
    types: named.map((type) => catalogType(type, homes.get(type.name) ?? null, context)),
    references: subgraphReferences(schema, join, homes),
    // Those this supergraph has: its mutation, and the subgraph that owns the target.
    writeReferences: WRITE_REFERENCES.filter(
      (reference) => schema.getMutationType()?.getFields()[reference.mutation] !== undefined && subgraphNames.has(reference.target.subgraph),
    ).map((reference) => ({ ...reference, target: { ...reference.target } })),
  };
}

interface Context {
  join: JoinInfo;
  owners: Record<string, SubgraphOwner>;
  policy: SupergraphPolicy;
}

function kindOf(type: GraphQLNamedType): CatalogType['kind'] {
  if (isObjectType(type)) return 'object';
  if (isInterfaceType(type)) return 'interface';
  if (isInputObjectType(type)) return 'input';
  if (isEnumType(type)) return 'enum';
  if (isUnionType(type)) return 'union';
  if (isScalarType(type)) return 'scalar';
  throw new Error(`unexpected type kind for ${String(type)}`);
}

function catalogType(type: GraphQLNamedType, home: string | null, context: Context): CatalogType {
  const fields: (GraphQLField<unknown, unknown> | GraphQLInputField)[] =
    isObjectType(type) || isInterfaceType(type) || isInputObjectType(type) ? Object.values(type.getFields()) : [];
  const values = isEnumType(type)
    ? type.getValues().map((value) => value.name)
    : isUnionType(type)
      ? type
          .getTypes()
          .map((member) => member.name)
          .sort(compareText)
      : [];
  return {
    name: type.name,
    kind: kindOf(type),
    description: type.description ?? null,
    subgraphs: context.join.typeGraphs.get(type.name) ?? [],
    home,
    keys: context.join.keys.get(type.name) ?? [],
    team: context.join.ownerTeams.get(type.name) ?? null,
    fields: fields.map((field) => catalogField(type.name, field, isInputObjectType(type), context)).sort((a, b) => compareText(a.name, b.name)),
    values,
  };
}

function catalogField(typeName: string, field: GraphQLField<unknown, unknown> | GraphQLInputField, input: boolean, context: Context): CatalogField {
  const coordinate = `${typeName}.${field.name}`;
  const subgraphs = resolvingGraphs(context.join, typeName, field.name);
  const fieldTeam = context.join.ownerTeams.get(coordinate);
  const typeTeam = context.join.ownerTeams.get(typeName);
  const teams = fieldTeam ? [fieldTeam] : typeTeam ? [typeTeam] : unique(subgraphs.map((name) => context.owners[name]!.team));
  const policy = input ? undefined : context.policy.fields.get(coordinate);
  const requirement = policy ? requirementOf(policy.access) : { authenticated: false, anyOf: null };
  return {
    coordinate,
    name: field.name,
    type: String(field.type),
    arguments: 'args' in field ? field.args.map((arg) => ({ name: arg.name, type: String(arg.type), description: arg.description ?? null })) : [],
    description: field.description ?? null,
    deprecationReason: field.deprecationReason ?? null,
    subgraphs,
    systems: unique(subgraphs.map((name) => context.owners[name]!.system)),
    teams,
    ownerSource: fieldTeam ? 'field' : typeTeam ? 'type' : 'subgraph',
    requires: formatScopes(requirement.anyOf),
    authenticated: requirement.authenticated,
    tags: unique(policy?.tags ?? []),
  };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareText);
}
