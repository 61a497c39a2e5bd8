import type { ApolloServerPlugin } from '@apollo/server';
import { isInterfaceType, isObjectType, Kind, valueFromASTUntyped, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { BaseContext } from './context.js';
import { subgraphError, type ErrorOrigin } from './errors.js';

/**
 * `_entities(representations:)` is checked before @apollo/subgraph resolves it: a representation
 * that is not an object naming one of the schema's object or interface types is the caller's
 * mistake (BAD_USER_INPUT, HTTP 400, naming `representations.<index>`), where @apollo/subgraph
 * would answer INTERNAL_SERVER_ERROR ("tried to load an entity for type "undefined"").
 */
export function representationsCheckPlugin<C extends BaseContext>(origin: ErrorOrigin): ApolloServerPlugin<C> {
  const selectsEntities = new WeakMap<DocumentNode, boolean>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          let selects = selectsEntities.get(document);
          if (selects === undefined) {
            // Once per document (cached with it): most never name the field.
            selects = document.loc?.source.body.includes('_entities') ?? true;
            selectsEntities.set(document, selects);
          }
          if (!selects || !operation) return;
          visit(operation, {
            Field(node) {
              if (node.name.value !== '_entities') return;
              const argument = node.arguments?.find((candidate) => candidate.name.value === 'representations');
              if (!argument) return;
              const value = argument.value.kind === Kind.VARIABLE ? request.variables?.[argument.value.name.value] : valueFromASTUntyped(argument.value, request.variables);
              const index = invalidRepresentation(schema, value);
              if (index !== undefined) {
                throw subgraphError('BAD_USER_INPUT', `representation ${index} does not name an entity type of this subgraph in "__typename"`, origin, {
                  field: `representations.${index}`,
                  http: { status: 400 },
                });
              }
            },
          });
        },
      };
    },
  };
}

/** The index of the first representation that does not name a type of the schema, or undefined. */
function invalidRepresentation(schema: GraphQLSchema, value: unknown): number | undefined {
  const list = Array.isArray(value) ? value : [value];
  for (let index = 0; index < list.length; index++) {
    const representation = list[index] as { __typename?: unknown } | null;
    const typename = representation && typeof representation === 'object' ? representation.__typename : undefined;
    const type = typeof typename === 'string' ? schema.getType(typename) : undefined;
    if (!isObjectType(type) && !isInterfaceType(type)) return index;
  }
  return undefined;
}
