import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { describeUnacceptable, findUnacceptableLiteral, findUnacceptableVariable, type UnacceptableString } from '../../../../common/input-strings.js';
import type { GatewayContext } from '../../context.js';
import { gatewayError, operationLimitError } from '../../errors.js';

/**
 * Strings are checked at the gateway before anything is planned or fetched (and again at each
 * subgraph's edge): a NUL or invalid Unicode is `BAD_USER_INPUT`, a string over
 * `LIMIT_MAX_STRING_BYTES` is `OPERATION_LIMIT_EXCEEDED` (`limit: stringBytes`); both name the
 * argument or variable in `extensions.field`. Literals are checked once per document (a validation
 * rule, cached with it), variables on every request (usually a handful of short strings).
 */

export function unacceptableStringError(found: UnacceptableString, maxBytes: number) {
  const message = describeUnacceptable(found, maxBytes);
  if (found.problem === 'too-long') return operationLimitError('stringBytes', maxBytes, found.bytes, { field: found.field, message });
  return gatewayError('BAD_USER_INPUT', message, { field: found.field });
}

/** The validation rule for string literals in the document. */
export function stringLiteralRule(maxBytes: number): ValidationRule {
  return (context: ValidationContext) => {
    const found = findUnacceptableLiteral(context.getDocument(), maxBytes);
    if (found) {
      const error = unacceptableStringError(found, maxBytes);
      // With the literal's location; re-coded GRAPHQL_VALIDATION_FAILED by the pipeline and unwrapped again by errors.ts.
      context.reportError(new GraphQLError(error.message, { nodes: [found.node], extensions: error.extensions }));
    }
    return {};
  };
}

/** The variables of every request, before the operation is authorized, planned or fetched. */
export function variableStringsPlugin(maxBytes: number): ApolloServerPlugin<GatewayContext> {
  const listener = {
    async didResolveOperation({ request }: { request: { variables?: Record<string, unknown> } }) {
      const found = findUnacceptableVariable(request.variables, maxBytes);
      if (found) throw unacceptableStringError(found, maxBytes);
    },
  };
  return {
    async requestDidStart({ request }) {
      // Most requests send no variables: no listener, no hook call.
      return request.variables && Object.keys(request.variables).length > 0 ? listener : undefined;
    },
  };
}
