import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType, isSpecifiedScalarType, isUnionType, type GraphQLNamedType } from 'graphql';
import { apiSchemaOf } from '../../lib/api-schema.js';
import type { Finding, RuleInput } from '../types.js';

/**
 * Every type consumers see and every field they select or send says what it is. Arguments and
 * enum values are left to judgement. Root operation types are exempt: every subgraph declares
 * Query and Mutation, so their own description would say nothing a field's does not.
 */
export function descriptions(input: RuleInput): Finding[] {
  const schema = apiSchemaOf(input.supergraphSdl);
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean).map((type) => type!.name));
  const missing = (text: string | null | undefined) => !text?.trim();
  const findings: Finding[] = [];
  const report = (coordinate: string, what: string) => findings.push({ severity: 'error', rule: 'descriptions', coordinate, message: `${what} has no description` });
  for (const type of Object.values(schema.getTypeMap()) as GraphQLNamedType[]) {
    if (type.name.startsWith('__') || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
    const kind = kindOf(type);
    if (!kind) continue;
    if (!roots.has(type.name) && missing(type.description)) report(type.name, kind);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (missing(field.description)) report(`${type.name}.${field.name}`, isInputObjectType(type) ? 'input field' : 'field');
      }
    }
  }
  return findings;
}

function kindOf(type: GraphQLNamedType): string | undefined {
  if (isObjectType(type)) return 'type';
  if (isInterfaceType(type)) return 'interface';
  if (isUnionType(type)) return 'union';
  if (isEnumType(type)) return 'enum';
  if (isInputObjectType(type)) return 'input type';
  if (isScalarType(type)) return 'scalar';
  return undefined;
}
