import { GraphQLError } from 'graphql';

import { SUBGRAPH_ERROR_CODES, type ErrorOrigin, type SubgraphErrorCode } from '../../common/contracts/errors.js';

/** The subgraph side of the one registry (common/contracts/errors.ts); other codes are masked outside development. */
export { SUBGRAPH_ERROR_CODES, type ErrorOrigin, type SubgraphErrorCode };

export interface ErrorDetails {
  /** The argument or input field that was wrong, as a dotted path (`input.lines.0.sku`). */
  field?: string;
  [extra: string]: unknown;
}

export function subgraphError(code: SubgraphErrorCode, message: string, origin: ErrorOrigin, details: ErrorDetails = {}): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code, system: origin.system, subgraph: origin.subgraph, ...details },
  });
}

export function isKnownSubgraphError(error: unknown): boolean {
  const code = (error as GraphQLError | undefined)?.extensions?.code;
  return typeof code === 'string' && (SUBGRAPH_ERROR_CODES as readonly string[]).includes(code);
}

/** Raises BAD_USER_INPUT for one argument or input field. */
export function badInput(origin: ErrorOrigin, field: string, message: string): GraphQLError {
  return subgraphError('BAD_USER_INPUT', message, origin, { field });
}
