import { GraphQLError } from 'graphql';

/**
 * The registry of error codes a subgraph may put in `extensions.code`.
 * Anything thrown with another code is masked outside development (see server.ts).
 */
export const SUBGRAPH_ERROR_CODES = [
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'INSUFFICIENT_STOCK',
  'UPSTREAM_RATE_LIMITED',
  'UPSTREAM_ERROR',
  'FORBIDDEN',
] as const;
export type SubgraphErrorCode = (typeof SUBGRAPH_ERROR_CODES)[number];

export interface ErrorOrigin {
  /** The business system the error concerns, e.g. `crm`, `erp`. */
  system: string;
  /** The subgraph that raised it. */
  subgraph: string;
}

export interface ErrorDetails {
  /** The argument or input field that was wrong, as a dotted path (`input.lines.0.sku`). */
  field?: string;
  [extra: string]: unknown;
}

export function subgraphError(
  code: SubgraphErrorCode,
  message: string,
  origin: ErrorOrigin,
  details: ErrorDetails = {},
): GraphQLError {
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
