import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** Codes the gateway itself raises (DESIGN.md "Errors"). */
export const GATEWAY_ERROR_CODES = [
  'UNAUTHENTICATED',
  'UNAUTHORIZED_FIELD_OR_TYPE',
  'FORBIDDEN',
  'OPERATION_LIMIT_EXCEEDED',
  'PERSISTED_QUERY_NOT_ALLOWED',
  'SUBGRAPH_UNAVAILABLE',
  'SUBGRAPH_TIMEOUT',
  'CIRCUIT_OPEN',
] as const;
export type GatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[number];

/**
 * Codes subgraphs may return (mirrors `subgraphs/shared/errors.ts`, which the gateway must not
 * import: it runs on other companies' supergraphs too).
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

/** Request errors Apollo Server raises before execution; their messages describe the client's query. */
const REQUEST_ERROR_CODES = [
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
] as const;

const KNOWN_CODES: ReadonlySet<string> = new Set([...GATEWAY_ERROR_CODES, ...SUBGRAPH_ERROR_CODES, ...REQUEST_ERROR_CODES]);

export function isKnownErrorCode(code: unknown): boolean {
  return typeof code === 'string' && KNOWN_CODES.has(code);
}

/** Where a subgraph-related error comes from: always named, so clients know which system failed. */
export interface SubgraphOrigin {
  subgraph: string;
  system: string;
}

export function gatewayError(code: GatewayErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/**
 * Apollo Server `formatError`: known errors pass through (without a stack trace); outside
 * production unexpected errors keep their detail; in production they become
 * "Internal error" (its subgraph/system kept, so clients still see which system failed).
 * The detail is logged with the request id by `plugins/error-log.ts`.
 */
export function createFormatError(production: boolean) {
  return (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    if (isKnownErrorCode(formatted.extensions?.code)) {
      // A registry error is expected: its gateway stack trace would only be noise, even in development.
      if (!formatted.extensions || !('stacktrace' in formatted.extensions)) return formatted;
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions;
      return { ...formatted, extensions };
    }
    if (!production) return formatted;
    const { subgraph, system } = formatted.extensions ?? {};
    return {
      message: 'Internal error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: {
        code: 'INTERNAL_SERVER_ERROR',
        ...(typeof subgraph === 'string' ? { subgraph } : {}),
        ...(typeof system === 'string' ? { system } : {}),
      },
    };
  };
}
