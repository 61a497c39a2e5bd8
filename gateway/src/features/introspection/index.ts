import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { GatewayContext } from '../../context.js';
import { gatewayError } from '../../errors.js';
import type { GatewayFeature } from '../../feature.js';

/** The scope that opens introspection in production (DESIGN.md "Scopes and classification"). */
export const INTROSPECTION_SCOPE = 'schema:introspect';

/**
 * Who may learn how the schema is built, by introspection or by what reveals as much (the
 * explorer's catalog, `extensions.fetches`): everyone outside production, in production a
 * principal holding `schema:introspect`.
 */
export function mayReadSchema(production: boolean, scopes: readonly string[] | null | undefined): boolean {
  return !production || (scopes?.includes(INTROSPECTION_SCOPE) ?? false);
}

/** Root fields that reveal the schema; `__typename` reveals only the type of a value already fetched. */
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/**
 * Introspection is open to everyone outside production; in production only to principals with
 * `schema:introspect`, everyone else gets `FORBIDDEN` (HTTP 403) and nothing runs. Apollo
 * Server's own `introspection` option is therefore `true`: it can only allow or refuse everyone.
 * Decided after the operation is resolved, so batched and persisted operations are covered too.
 */
export function introspectionFeature(production: boolean): GatewayFeature {
  return production ? { plugins: [introspectionPlugin()] } : {};
}

function introspectionPlugin(): ApolloServerPlugin<GatewayContext> {
  const introspects = new WeakMap<OperationDefinitionNode, boolean>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, operation }) {
          if (!operation) return;
          let asks = introspects.get(operation);
          if (asks === undefined) {
            asks = selectsIntrospection(document, operation);
            introspects.set(operation, asks);
          }
          if (asks && !mayReadSchema(true, contextValue.principal?.scopes)) {
            throw gatewayError('FORBIDDEN', `Introspection requires the ${INTROSPECTION_SCOPE} scope`);
          }
        },
      };
    },
  };
}

/** True when `__schema` or `__type` is selected anywhere in the operation, fragments included. */
export function selectsIntrospection(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const visited = new Set<string>();
  const walk = (selectionSet: SelectionSetNode): boolean =>
    selectionSet.selections.some((selection) => {
      switch (selection.kind) {
        case Kind.FIELD:
          return INTROSPECTION_FIELDS.has(selection.name.value) || (selection.selectionSet !== undefined && walk(selection.selectionSet));
        case Kind.INLINE_FRAGMENT:
          return walk(selection.selectionSet);
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (visited.has(name) || !fragment) return false;
          visited.add(name);
          return walk(fragment.selectionSet);
        }
      }
    });
  return walk(operation.selectionSet);
}
