import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { GATEWAY_ERROR_CODES, httpStatusOf, SUBGRAPH_ERROR_CODES, type ErrorOrigin, type GatewayErrorCode } from '../../common/contracts/errors.js';

export { GATEWAY_ERROR_CODES, type GatewayErrorCode };

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
export type SubgraphOrigin = ErrorOrigin;

/**
 * A gateway error with its registry code; a code that fails the whole request (401, 403, 400)
 * carries its HTTP status from the registry, so no call site chooses one.
 */
export function gatewayError(code: GatewayErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  const status = httpStatusOf(code);
  return new GraphQLError(message, { extensions: { code, ...(status === undefined ? {} : { http: { status } }), ...extensions } });
}

/** Which operation limit a request broke (`extensions.limit` of `OPERATION_LIMIT_EXCEEDED`). */
export type OperationLimit = 'depth' | 'aliases' | 'tokens' | 'directives' | 'cost' | 'batch' | 'queryBytes' | 'stringBytes';

const LIMIT_MESSAGES: Record<OperationLimit, (max: number, found?: number) => string> = {
  depth: (max, found) => `Operation depth${found === undefined ? '' : ` ${found}`} exceeds the limit of ${max}`,
  aliases: (max, found) => `Operation uses ${found ?? 'more'} aliases; the limit is ${max}`,
  tokens: (max) => `Operation has more than ${max} tokens`,
  directives: (max, found) => `Operation uses ${found ?? 'more'} directives; the limit is ${max}`,
  cost: (max, found) => `Operation cost${found === undefined ? '' : ` ${found}`} exceeds the limit of ${max}`,
  batch: (max, found) => `Batch of ${found ?? 'more'} operations exceeds the limit of ${max}`,
  queryBytes: (max, found) => `Operation text of ${found ?? 'more'} bytes exceeds the limit of ${max}`,
  stringBytes: (max, found) => `A string of ${found ?? 'more'} bytes exceeds the limit of ${max}`,
};

/**
 * `OPERATION_LIMIT_EXCEEDED` (HTTP 400) naming the limit and its numbers only: the client learns
 * what to shrink, nothing about how the check works.
 */
export function operationLimitError(limit: OperationLimit, max: number, found?: number, details: { field?: string; message?: string; largestFirst?: number } = {}): GraphQLError {
  return gatewayError('OPERATION_LIMIT_EXCEEDED', details.message ?? LIMIT_MESSAGES[limit](max, found), {
    limit,
    max,
    ...(found === undefined ? {} : { found }),
    ...(details.field === undefined ? {} : { field: details.field }),
    ...(details.largestFirst === undefined ? {} : { largestFirst: details.largestFirst }),
  });
}

/** graphql-js's own message when `parseOptions.maxTokens` aborts parsing ("more that" sic, 16.15). */
const TOKEN_LIMIT_MESSAGE = /^Syntax Error: Document contains more tha[nt] (\d+) tokens\. Parsing aborted\.$/;

/**
 * Apollo Server re-codes every validation error as GRAPHQL_VALIDATION_FAILED and every parse
 * error as GRAPHQL_PARSE_FAILED; a limit rule's error is still there as `originalError`.
 */
function limitViolation(error: unknown): GraphQLFormattedError | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const original = error.originalError;
  const code = original instanceof GraphQLError ? original.extensions.code : undefined;
  // A limit rule's or an input rule's refusal (a NUL in a literal) keeps its own code; a refused
  // input is also shown where it is, a limit concerns the whole operation.
  if (original instanceof GraphQLError && (code === 'OPERATION_LIMIT_EXCEEDED' || code === 'BAD_USER_INPUT')) {
    const { http: _http, ...extensions } = original.extensions;
    const where = code === 'BAD_USER_INPUT' && original.locations ? { locations: original.locations } : {};
    return { message: original.message, ...where, extensions };
  }
  const tokens = error.extensions.code === 'GRAPHQL_PARSE_FAILED' ? TOKEN_LIMIT_MESSAGE.exec(original?.message ?? error.message) : null;
  if (tokens) return { message: LIMIT_MESSAGES.tokens(Number(tokens[1])), extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit: 'tokens', max: Number(tokens[1]) } };
  return undefined;
}

/** graphql-js suggestions (`Did you mean "email"?`) name fields and enum values introspection would hide. */
const SUGGESTION = / ?Did you mean(.+?)\?$/;

/**
 * Apollo Server `formatError`: known errors pass through (without a stack trace); outside
 * production unexpected errors keep their detail; in production they become
 * "Internal error" (its subgraph/system kept, so clients still see which system failed).
 * The detail is logged with the request id by `features/error-log/`.
 */
export function createFormatError(production: boolean) {
  return (formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError => {
    const limit = limitViolation(error);
    if (limit) return limit;
    if (isKnownErrorCode(formatted.extensions?.code)) {
      // In production, schema details that introspection would need a scope for are not suggested.
      const message = production ? formatted.message.replace(SUGGESTION, '') : formatted.message;
      // A registry error is expected: its gateway stack trace would only be noise, even in development.
      if (!formatted.extensions || !('stacktrace' in formatted.extensions)) return message === formatted.message ? formatted : { ...formatted, message };
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions;
      return { ...formatted, message, extensions };
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
