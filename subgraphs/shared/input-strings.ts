import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode } from 'graphql';
import { describeUnacceptable, findUnacceptableLiteral, findUnacceptableVariable, type UnacceptableString } from '../../common/input-strings.js';
import { readInt, type Env } from '../../common/config.js';
import type { BaseContext } from './context.js';
import { badInput, type ErrorOrigin } from './errors.js';

/** `LIMIT_MAX_STRING_BYTES`, read as the gateway reads it (the same variable reaches every process). @default 8192 */
export function readMaxStringBytes(env: Env): number {
  return readInt(env, 'LIMIT_MAX_STRING_BYTES', 8192, { min: 16, max: 1_048_576 });
}

/**
 * The subgraph's own edge check of every string argument and variable (the gateway checks first;
 * a subgraph must not rely on it): a NUL, invalid Unicode or an oversize string is BAD_USER_INPUT
 * naming the field, before any resolver runs, so it never reaches SQL or a system's REST API.
 */
export function inputStringsPlugin<C extends BaseContext>(origin: ErrorOrigin, maxBytes: number): ApolloServerPlugin<C> {
  const literals = new WeakMap<DocumentNode, UnacceptableString | null>();
  const refuse = (found: UnacceptableString) => badInput(origin, found.field, describeUnacceptable(found, maxBytes));
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
