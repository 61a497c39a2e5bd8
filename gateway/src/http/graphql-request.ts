import { HeaderMap, type GraphQLRequest, type HTTPGraphQLRequest } from '@apollo/server';
import { Kind } from 'graphql';
import { BadRequestError } from './operation-errors.js';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * What a `/graphql` HTTP request asks for, read the way GraphQL over HTTP and Apollo Server read
 * it (`runHttpQuery`, `preventCsrf`), with the same refusals, messages and statuses: the
 * differential test (`test/http/graphql-http-differential.test.ts`) sends the same generated
 * requests to this layer and to `@as-integrations/fastify` + Apollo Server and compares the answers.
 */

/** Request headers as Apollo Server plugins read them (`request.http.headers.get(name)`): lower-case names, repeats joined. */
export function headerMapOf(headers: IncomingHttpHeaders): HeaderMap {
  const map = new HeaderMap();
  for (const name in headers) {
    const value = headers[name];
    if (value) map.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return map;
}

/** The query string of a request target, `?` included (as `URL.search`), fragment excluded. */
export function searchOf(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return '';
  const end = url.indexOf('#', start);
  const search = end < 0 ? url.slice(start) : url.slice(start, end);
  return search === '?' ? '' : search;
}

const CSRF_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];
/** Content types a browser sends cross-origin without a preflight (a "simple" request). */
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/**
 * Refuses what a browser could send cross-origin without a CORS preflight: no content type, or a
 * "simple" one, and none of the preflight-forcing headers. A content type that cannot be parsed
 * passes, as in Apollo Server (a browser cannot send one without a preflight).
 */
export function preventCsrf(headers: HeaderMap): void {
  const contentType = headers.get('content-type');
  if (contentType !== undefined) {
    const essence = mediaTypeEssence(contentType);
    if (essence === null || !SIMPLE_CONTENT_TYPES.has(essence)) return;
  }
  if (CSRF_HEADERS.some((name) => (headers.get(name)?.length ?? 0) > 0)) return;
  throw new BadRequestError(
    `This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Please either specify a 'content-type' header (with a type that is not one of ${[...SIMPLE_CONTENT_TYPES].join(', ')}) or provide a non-empty value for one of the following headers: ${CSRF_HEADERS.join(', ')}\n`,
  );
}

/** HTTP token characters (RFC 9110), what a media type's type and subtype consist of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * `type/subtype` of a media type, lower-cased, or null when it is not one; parameters are not
 * read. The same essence the WHATWG MIME type parser (used by Apollo Server) gives for any value
 * whose type and subtype parse, without building its parameter map.
 */
export function mediaTypeEssence(value: string): string | null {
  const trimmed = value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  const slash = trimmed.indexOf('/');
  if (slash <= 0) return null;
  const type = trimmed.slice(0, slash);
  const semicolon = trimmed.indexOf(';', slash + 1);
  const subtype = (semicolon < 0 ? trimmed.slice(slash + 1) : trimmed.slice(slash + 1, semicolon)).replace(/[\t\n\r ]+$/, '');
  if (!TOKEN.test(type) || !TOKEN.test(subtype)) return null;
  return `${type.toLowerCase()}/${subtype.toLowerCase()}`;
}

/** One operation of a request, as the operation pipeline (`operation-pipeline.ts`) takes it. */
export function graphQLRequestOf(http: HTTPGraphQLRequest, body: unknown): GraphQLRequest {
  if (http.method === 'POST') return fromPostBody(http, body);
  if (http.method === 'GET') return fromSearch(http);
  throw new BadRequestError('Apollo Server supports only GET/POST requests.', 405, new HeaderMap([['allow', 'GET, POST']]));
}

function fromPostBody(http: HTTPGraphQLRequest, body: unknown): GraphQLRequest {
  if (!isRecord(body) || Object.keys(body).length === 0) throw new BadRequestError('POST body missing, invalid Content-Type, or JSON object has no keys.');
  const { query, variables, extensions, operationName } = body;
  if (query && typeof query !== 'string') {
    if (isRecord(query) && query.kind === Kind.DOCUMENT) {
      throw new BadRequestError(
        "GraphQL queries must be strings. It looks like you're sending the internal graphql-js representation of a parsed query in your request instead of a request in the GraphQL query language. You can convert an AST to a string using the `print` function from `graphql`, or use a client like `apollo-client` which converts the internal representation to a string for you.",
      );
    }
    throw new BadRequestError('GraphQL queries must be strings.');
  }
  if (typeof variables === 'string') throw new BadRequestError('`variables` in a POST body should be provided as an object, not a recursively JSON-encoded string.');
  if (typeof extensions === 'string') throw new BadRequestError('`extensions` in a POST body should be provided as an object, not a recursively JSON-encoded string.');
  if ('extensions' in body && extensions !== null && !isRecord(extensions)) throw new BadRequestError('`extensions` in a POST body must be an object if provided.');
  if ('variables' in body && variables !== null && !isRecord(variables)) throw new BadRequestError('`variables` in a POST body must be an object if provided.');
  if ('operationName' in body && operationName !== null && typeof operationName !== 'string')
    throw new BadRequestError('`operationName` in a POST body must be a string if provided.');
  return {
    query: typeof query === 'string' ? query : undefined,
    operationName: typeof operationName === 'string' ? operationName : undefined,
    variables: isRecord(variables) ? variables : undefined,
    extensions: isRecord(extensions) ? extensions : undefined,
    http,
  };
}

function fromSearch(http: HTTPGraphQLRequest): GraphQLRequest {
  const contentType = http.headers.get('content-type');
  if (contentType !== undefined && mediaTypeEssence(contentType) !== 'application/json') {
    throw new BadRequestError('GET requests may not have a content-type header other than application/json.', 415);
  }
  const params = new URLSearchParams(http.search);
  return {
    query: onceIn(params, 'query'),
    operationName: onceIn(params, 'operationName'),
    variables: jsonRecordIn(params, 'variables'),
    extensions: jsonRecordIn(params, 'extensions'),
    http,
  };
}

function onceIn(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1) throw new BadRequestError(`The '${name}' search parameter may only be specified once.`);
  return values[0];
}

function jsonRecordIn(params: URLSearchParams, name: string): Record<string, unknown> | undefined {
  const value = onceIn(params, name);
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new BadRequestError(`The ${name} search parameter contains invalid JSON.`);
  }
  if (!isRecord(parsed)) throw new BadRequestError(`The ${name} search parameter should contain a JSON-encoded object.`);
  return parsed;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}
