import { isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import type { SchemaChange } from '../lib/semantic-diff.js';
import { describeOperation, type KnownOperation } from './consumers.js';
import type { Finding } from './types.js';

/** What a change is about, for finding its users: a field, or (removed type, enum, input) a whole type. */
export type ChangeTarget = { field: string } | { type: string };

/**
 * `Type.field.arg` → the field; `Type.field` on an object or interface → the field; anything else
 * with two parts (an enum value, an input field) or one → the type, since operations reach those
 * through every field that returns or takes the type.
 */
export function targetOf(path: string, schema: GraphQLSchema): ChangeTarget {
  const parts = path.split('.');
  if (parts.length >= 3) return { field: `${parts[0]}.${parts[1]}` };
  const type = schema.getType(parts[0]!);
  if (parts.length === 2 && type && (isObjectType(type) || isInterfaceType(type))) return { field: path };
  return { type: parts[0]! };
}

export function operationsUsing(target: ChangeTarget, operations: readonly KnownOperation[]): KnownOperation[] {
  return operations.filter((operation) => ('field' in target ? operation.fields.includes(target.field) : operation.types.includes(target.type)));
}

const DEPRECATION_ADDED = new Set(['FIELD_DEPRECATION_ADDED', 'ENUM_VALUE_DEPRECATION_ADDED', 'INPUT_FIELD_DEPRECATION_ADDED']);

/**
 * Breaking changes judged against the operations clients really send: one a known operation uses
 * fails, naming every such operation and its clients; one nobody is known to use is a warning.
 * A new deprecation on something still used warns, so its consumers hear before the removal.
 */
export function consumerImpact(changes: readonly SchemaChange[], operations: readonly KnownOperation[], baseSchema: GraphQLSchema): Finding[] {
  const findings: Finding[] = [];
  for (const change of changes) {
    // Inspector names directive-usage changes `Type.field.@deprecated…`: they are about the field.
    const path = change.path?.split('.@')[0];
    const coordinate = path ?? '(schema)';
    const users = path ? operationsUsing(targetOf(path, baseSchema), operations) : [];
    const used = users.map(describeOperation).join('; ');
    if (change.criticality === 'breaking') {
      findings.push(
        users.length > 0
          ? {
              severity: 'error',
              rule: 'consumer-impact',
              coordinate,
              message: `${change.message}: breaks ${users.length} known operation${users.length === 1 ? '' : 's'}: ${used}`,
            }
          : { severity: 'warning', rule: 'consumer-impact', coordinate, message: `${change.message}: breaking, no known consumer (manifest and usage log)` },
      );
    } else if (DEPRECATION_ADDED.has(change.type) && users.length > 0) {
      findings.push({ severity: 'warning', rule: 'consumer-impact', coordinate, message: `${change.message}: still used by ${used}` });
    }
  }
  return findings;
}
