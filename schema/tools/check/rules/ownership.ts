import { Kind, parse, type ConstDirectiveNode } from 'graphql';
import { stringArgument, typeDefinitions } from '../../lib/supergraph-sdl.js';
import type { Finding, RuleInput } from '../types.js';

/**
 * Someone approves every change: each composed subgraph has a valid schema/owners.yaml entry, and
 * a finer `@owner(team:)` on a type or field names a team.
 */
export function ownership(input: RuleInput): Finding[] {
  const findings: Finding[] = [];
  for (const subgraph of input.subgraphs) {
    const problem =
      'error' in input.owners
        ? `schema/owners.yaml cannot be read: ${input.owners.error}`
        : input.owners[subgraph]
          ? undefined
          : 'no entry in schema/owners.yaml (team, system, contact, sla)';
    if (problem) findings.push({ severity: 'error', rule: 'ownership', coordinate: `subgraph:${subgraph}`, subgraphs: [subgraph], message: problem });
  }
  const judge = (coordinate: string, directives: readonly ConstDirectiveNode[] | undefined) => {
    for (const directive of directives ?? []) {
      if (directive.name.value !== 'owner') continue;
      if (!stringArgument(directive, 'team')?.trim()) findings.push({ severity: 'error', rule: 'ownership', coordinate, message: '@owner needs a non-empty team' });
    }
  };
  for (const type of typeDefinitions(parse(input.supergraphSdl))) {
    judge(type.name.value, type.directives);
    if (type.kind === Kind.OBJECT_TYPE_DEFINITION || type.kind === Kind.INTERFACE_TYPE_DEFINITION) {
      for (const field of type.fields ?? []) judge(`${type.name.value}.${field.name.value}`, field.directives);
    }
  }
  return findings;
}
