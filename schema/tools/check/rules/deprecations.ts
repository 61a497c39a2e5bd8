import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLNamedType } from 'graphql';
import { apiSchemaOf } from '../../lib/api-schema.js';
import type { Finding, RuleInput } from '../types.js';

const REMOVAL = /removal: (\d{4})-(\d{2})-(\d{2})\b/;

/**
 * `@deprecated` must tell consumers what to do and until when: a reason containing
 * `removal: YYYY-MM-DD`. A removal date already past is a warning ("overdue"): the field should
 * be gone, but removing it is a separate, consumer-checked change.
 */
export function deprecations(input: RuleInput): Finding[] {
  const schema = apiSchemaOf(input.supergraphSdl);
  const findings: Finding[] = [];
  const judge = (coordinate: string, reason: string | null | undefined) => {
    if (reason === null || reason === undefined) return;
    const match = REMOVAL.exec(reason);
    const date = match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
    if (!date || !isCalendarDate(date)) {
      findings.push({ severity: 'error', rule: 'deprecations', coordinate, message: `@deprecated reason "${reason}" needs a removal date: "… removal: YYYY-MM-DD"` });
    } else if (date < input.today) {
      findings.push({ severity: 'warning', rule: 'deprecations', coordinate, message: `overdue: removal was due ${date}` });
    }
  };
  for (const type of Object.values(schema.getTypeMap()) as GraphQLNamedType[]) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        judge(`${type.name}.${field.name}`, field.deprecationReason);
        for (const arg of field.args) judge(`${type.name}.${field.name}(${arg.name}:)`, arg.deprecationReason);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) judge(`${type.name}.${field.name}`, field.deprecationReason);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) judge(`${type.name}.${value.name}`, value.deprecationReason);
    }
  }
  return findings;
}

function isCalendarDate(date: string): boolean {
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date);
}
