import { HeaderMap, type HTTPGraphQLHead } from '@apollo/server';
import { GraphQLError, type GraphQLErrorOptions, type GraphQLFormattedError } from 'graphql';

/**
 * The errors a GraphQL request can be refused with before or around its execution, with the codes,
 * messages, HTTP heads and names (shown first in development stack traces) Apollo Server gives
 * them, and the formatting every error of an answer goes through (Apollo Server's
 * `normalizeAndFormatErrors`): `extensions.code` defaulted, `extensions.http` taken into the answer's
 * head, a stack trace in development, then the gateway's `formatError`.
 */

class CodedError extends GraphQLError {
  constructor(name: string, message: string, code: string, options?: GraphQLErrorOptions) {
    super(message, { ...options, extensions: { ...options?.extensions, code } });
    this.name = name;
  }
}

const head = (status: number, headers = new HeaderMap()): HTTPGraphQLHead => ({ status, headers });

/** A refusal of the request itself (400 unless `status` says otherwise). */
export class BadRequestError extends CodedError {
  constructor(message: string, status = 400, headers?: HeaderMap) {
    super('BadRequestError', message, 'BAD_REQUEST', { extensions: { http: head(status, headers) } });
  }
}

export const parseFailure = (error: GraphQLError): GraphQLError =>
  new CodedError('SyntaxError', error.message, 'GRAPHQL_PARSE_FAILED', {
    source: error.source,
    positions: error.positions,
    extensions: { http: head(400), ...error.extensions },
    originalError: error,
  });

export const validationFailure = (error: GraphQLError): GraphQLError =>
  new CodedError('ValidationError', error.message, 'GRAPHQL_VALIDATION_FAILED', {
    nodes: error.nodes,
    extensions: { http: head(400), ...error.extensions },
    originalError: error.originalError ?? error,
  });

export const badUserInput = (error: GraphQLError): GraphQLError =>
  new CodedError('UserInputError', error.message, 'BAD_USER_INPUT', { nodes: error.nodes, originalError: error.originalError ?? error, extensions: error.extensions });

export const operationResolutionFailure = (error: GraphQLError): GraphQLError =>
  new CodedError('OperationResolutionError', error.message, 'OPERATION_RESOLUTION_FAILURE', {
    nodes: error.nodes,
    originalError: error.originalError ?? error,
    extensions: { http: head(400), ...error.extensions },
  });

/** Persisted-query refusals are answered 200 and must not be cached by the client. */
const persistedQueryHead = () => head(200, new HeaderMap([['cache-control', 'private, no-cache, must-revalidate']]));
export const persistedQueryNotFound = () =>
  new CodedError('PersistedQueryNotFoundError', 'PersistedQueryNotFound', 'PERSISTED_QUERY_NOT_FOUND', { extensions: { http: persistedQueryHead() } });
/** Not Apollo Server's (a 400 coded INTERNAL_SERVER_ERROR): the client sent a hash of another text. */
export const persistedQueryHashMismatch = () =>
  new CodedError('PersistedQueryHashMismatchError', 'provided sha does not match query', 'PERSISTED_QUERY_HASH_MISMATCH', { extensions: { http: head(400) } });
export const persistedQueryNotSupported = () =>
  new CodedError('PersistedQueryNotSupportedError', 'PersistedQueryNotSupported', 'PERSISTED_QUERY_NOT_SUPPORTED', { extensions: { http: persistedQueryHead() } });

export interface ErrorFormatting {
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  includeStacktrace: boolean;
}

/** Formats `errors` for an answer, merging what they say of HTTP into `target`. */
export function formatErrors(errors: readonly Error[], formatting: ErrorFormatting, target: HTTPGraphQLHead): GraphQLFormattedError[] {
  return errors.map((error) => {
    try {
      return formatting.formatError(enrich(error, formatting, target), error);
    } catch (formattingError) {
      if (formatting.includeStacktrace) return enrich(ensureError(formattingError), formatting, target);
      return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
  });
}

function enrich(maybeError: Error, formatting: ErrorFormatting, target: HTTPGraphQLHead): GraphQLFormattedError {
  const error = ensureGraphQLError(maybeError);
  const extensions: Record<string, unknown> = { ...error.extensions, code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR' };
  if (isPartialHead(extensions.http)) {
    mergeHead(target, { headers: new HeaderMap(), ...extensions.http });
    delete extensions.http;
  }
  if (formatting.includeStacktrace) extensions.stacktrace = error.stack?.split('\n');
  return { ...error.toJSON(), extensions };
}

export function mergeHead(target: HTTPGraphQLHead, source: Partial<HTTPGraphQLHead>): void {
  if (source.status) target.status = source.status;
  if (source.headers) for (const [name, value] of source.headers) target.headers.set(name, value);
}

function isPartialHead(value: unknown): value is Partial<HTTPGraphQLHead> {
  if (!value || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return (!('status' in candidate) || typeof candidate.status === 'number') && (!('headers' in candidate) || candidate.headers instanceof Map);
}

export function ensureError(maybeError: unknown): Error {
  return maybeError instanceof Error ? maybeError : new GraphQLError(`Unexpected error value: ${String(maybeError)}`);
}

export function ensureGraphQLError(maybeError: unknown, prefix = ''): GraphQLError {
  const error = ensureError(maybeError);
  return error instanceof GraphQLError ? error : new GraphQLError(prefix + error.message, { originalError: error });
}
