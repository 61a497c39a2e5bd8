import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, isSpecifiedScalarType, isScalarType, type GraphQLNamedType } from 'graphql';
import { apiSchemaOf } from '../../lib/api-schema.js';
import type { Finding, RuleInput } from '../types.js';

const PASCAL = /^[A-Z][A-Za-z0-9]*$/;
const CAMEL = /^[a-z][A-Za-z0-9]*$/;
const SCREAMING_SNAKE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

/** GraphQL's usual conventions, so every subgraph reads like one API. */
export function naming(input: RuleInput): Finding[] {
  const schema = apiSchemaOf(input.supergraphSdl);
  const findings: Finding[] = [];
  const report = (coordinate: string, message: string) => findings.push({ severity: 'error', rule: 'naming', coordinate, message });
  for (const type of Object.values(schema.getTypeMap()) as GraphQLNamedType[]) {
    if (type.name.startsWith('__') || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
    if (!PASCAL.test(type.name)) report(type.name, 'type names are PascalCase');
    if (isInputObjectType(type) && !type.name.endsWith('Input')) report(type.name, 'input type names end in "Input"');
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!CAMEL.test(field.name)) report(`${type.name}.${field.name}`, 'field names are camelCase');
        for (const arg of 'args' in field ? field.args : []) {
          if (!CAMEL.test(arg.name)) report(`${type.name}.${field.name}(${arg.name}:)`, 'argument names are camelCase');
        }
      }
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) {
        if (!SCREAMING_SNAKE.test(value.name)) report(`${type.name}.${value.name}`, 'enum values are SCREAMING_SNAKE_CASE');
      }
    }
  }
  return findings;
}
