import { Kind, type FragmentDefinitionNode, type InlineFragmentNode, type OperationDefinitionNode, type SelectionNode, type SelectionSetNode, type DocumentNode } from 'graphql';

/** Upper bound on selections after inlining: fragments used in fragments can multiply a small document. */
export const MAX_INLINED_SELECTIONS = 50_000;

export class InliningLimitError extends Error {
  override name = 'InliningLimitError';
}

/**
 * The operation with every named fragment spread replaced by an inline fragment on the same type
 * (the spread's directives kept), so each use of a fragment has its own response path and its
 * own removals. Apollo Server has validated the document (known fragments, no cycles).
 */
export function inlineFragments(document: DocumentNode, operation: OperationDefinitionNode): OperationDefinitionNode {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  let budget = MAX_INLINED_SELECTIONS;
  const inlineSet = (selectionSet: SelectionSetNode): SelectionSetNode => ({
    ...selectionSet,
    selections: selectionSet.selections.map(inlineSelection),
  });
  const inlineSelection = (selection: SelectionNode): SelectionNode => {
    if (--budget < 0) throw new InliningLimitError(`the operation expands to more than ${MAX_INLINED_SELECTIONS} selections`);
    if (selection.kind === Kind.FIELD) return selection.selectionSet ? { ...selection, selectionSet: inlineSet(selection.selectionSet) } : selection;
    if (selection.kind === Kind.INLINE_FRAGMENT) return { ...selection, selectionSet: inlineSet(selection.selectionSet) };
    const fragment = fragments.get(selection.name.value);
    if (!fragment) throw new Error(`unknown fragment ${selection.name.value}`);
    const inline: InlineFragmentNode = {
      kind: Kind.INLINE_FRAGMENT,
      typeCondition: fragment.typeCondition,
      directives: selection.directives ?? [],
      selectionSet: inlineSet(fragment.selectionSet),
    };
    return inline;
  };
  return { ...operation, selectionSet: inlineSet(operation.selectionSet) };
}
