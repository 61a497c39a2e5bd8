import { isUtf8 } from 'node:buffer';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * What a `/graphql` route (the gateway's and each subgraph's) answers when the request never gets
 * to GraphQL: a body that is not JSON or not UTF-8, a content type nobody parses, a body over the
 * limit. Fastify's own answer (`{"statusCode":400,"code":"FST_ERR_CTP_INVALID_JSON_BODY",…}`) is
 * not what a GraphQL client reads; this is the GraphQL error format with a stable code and the
 * same status. Nothing internal leaks: a 5xx says "Internal error" and the detail is logged.
 */

export const GRAPHQL_JSON = 'application/json; charset=utf-8';

/** A request refused before GraphQL: its status and what the client is told. */
class RequestBodyError extends Error {
  readonly statusCode = 400;
  readonly code = 'FST_ERR_CTP_INVALID_UTF8_BODY';
}

/**
 * JSON bodies must be valid UTF-8: Node would otherwise decode an invalid sequence to U+FFFD and
 * every system behind would store a character the client never sent.
 */
export function registerStrictJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) return done(new RequestBodyError('Request body is not valid UTF-8'), undefined);
    parseJson(request, bytes.toString('utf8'), done);
  });
}

/** The GraphQL error a request refused before GraphQL is answered with. */
export interface RefusalError {
  message: string;
  extensions: { code: 'BAD_REQUEST' | 'INTERNAL_SERVER_ERROR' };
}

/**
 * The route's `errorHandler`: fastify's refusals (4xx) keep their status and message; anything
 * else is a masked 500. `onRefused` is told of every answer (the gateway's request metrics count
 * them: no GraphQL ran, so nothing else would).
 */
export function graphqlRouteErrorHandler(
  onUnexpected: (error: unknown, request: FastifyRequest) => void,
  onRefused?: (error: RefusalError, request: FastifyRequest, reply: FastifyReply) => void,
) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) onUnexpected(error, request);
    const refusal: RefusalError =
      status === 500 ? { message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } } : { message: error.message, extensions: { code: 'BAD_REQUEST' } };
    onRefused?.(refusal, request, reply);
    return reply
      .code(status)
      .header('content-type', GRAPHQL_JSON)
      .send(JSON.stringify({ errors: [refusal] }));
  };
}

const CLIENT_ERRORS: Record<string, { status: number; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'The request took too long to arrive' },
  HPE_HEADER_OVERFLOW: { status: 431, message: 'The request line and headers exceed the size the server accepts (a long GET query belongs in a POST body)' },
};

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before any route runs (a request
 * line or headers over the limit, a malformed request, a timeout), answered in GraphQL's error
 * format as fastify's default answers in its own.
 */
export function graphqlClientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, message } = CLIENT_ERRORS[error.code ?? ''] ?? { status: 400, message: 'The request is not valid HTTP' };
  const body = JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: ${GRAPHQL_JSON}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
