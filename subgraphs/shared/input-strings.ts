import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import { describeUnacceptable, findUnacceptableLiteral, findUnacceptableVariable, type UnacceptableString } from '../../common/input-strings.js';
import type { BaseContext } from './context.js';
import { subgraphError, type ErrorOrigin } from './errors.js';

/**
 * The subgraph's own edge check of every string argument and variable (the gateway checks first;
 * a subgraph must not rely on it): a NUL, invalid Unicode or an oversize string is BAD_USER_INPUT
 * naming the field, before any resolver runs, so it never reaches SQL or a system's REST API.
 */
export function inputStringsPlugin<C extends BaseContext>(origin: ErrorOrigin, maxBytes: number): ApolloServerPlugin<C> {
  const literals = new WeakMap<DocumentNode, UnacceptableString | null>();
  // The whole request is refused: 400, as at the gateway (Apollo Server would make a hook's error a 500).
  const refuse = (found: UnacceptableString) => subgraphError('BAD_USER_INPUT', describeUnacceptable(found, maxBytes), origin, { field: found.field, http: { status: 400 } });
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          let literal = literals.get(document);
          if (literal === undefined) {
            literal = findUnacceptableLiteral(document, maxBytes) ?? null;
            literals.set(document, literal);
          }
          if (literal) throw refuse(literal);
          const variable = findUnacceptableVariable(request.variables, maxBytes);
          if (variable) throw refuse(variable);
        },
      };
    },
  };
}
