import { Kind, valueFromASTUntyped, type DirectiveNode, type OperationDefinitionNode } from 'graphql';

/**
 * `@skip`/`@include` on the way to a removed field. The rewrite keeps the directives (so it does
 * not depend on variable values and is cached once per caller); whether a removed field was
 * actually requested is decided per request from its variables.
 */
export type Condition =
  | { readonly variable: string; readonly include: boolean; readonly fallback: unknown }
  /** A literal `@skip(if: true)` / `@include(if: false)`: the field is never requested. */
  | { readonly never: true };

/** The conditions a selection's own directives add. */
export function conditionsOf(directives: readonly DirectiveNode[] | undefined, operation: OperationDefinitionNode): Condition[] {
  const conditions: Condition[] = [];
  for (const directive of directives ?? []) {
    const include = directive.name.value === 'include';
    if (!include && directive.name.value !== 'skip') continue;
    const value = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
    if (value?.kind === Kind.BOOLEAN) {
      if (value.value !== include) conditions.push({ never: true });
    } else if (value?.kind === Kind.VARIABLE) {
      const name = value.name.value;
      const definition = operation.variableDefinitions?.find((variable) => variable.variable.name.value === name);
      const fallback = definition?.defaultValue ? valueFromASTUntyped(definition.defaultValue) : undefined;
      conditions.push({ variable: name, include, fallback });
    }
  }
  return conditions;
}

/** True when every condition lets the selection through for these variables. */
export function conditionsHold(conditions: readonly Condition[], variables: Readonly<Record<string, unknown>> | undefined): boolean {
  return conditions.every((condition) => {
    if ('never' in condition) return false;
    const value = variables && condition.variable in variables ? variables[condition.variable] : condition.fallback;
    return condition.include ? value === true : value !== true;
  });
}
