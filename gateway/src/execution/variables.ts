import { visit, type ASTNode } from 'graphql';
import { getOwn } from './types.js';

export function variablesUsedBy(node: ASTNode): Set<string> {
  const used = new Set<string>();
  visit(node, {
    Variable: ({ name }) => {
      used.add(name.value);
    },
  });
  return used;
}

/**
 * The client variables a fetch declares it uses, as the client sent them (not coerced: the
 * subgraph coerces), leaving out absent and `undefined` ones as @apollo/gateway does.
 */
export function pickVariables(names: readonly string[], provided: Record<string, unknown>): Record<string, unknown> {
  const picked: Record<string, unknown> = Object.create(null);
  for (const name of names) {
    const value = getOwn(provided, name);
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}
