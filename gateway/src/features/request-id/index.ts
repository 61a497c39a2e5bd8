import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { GatewayFeature } from '../../feature.js';

export const REQUEST_ID_HEADER = 'x-request-id';
const MAX_LENGTH = 128;

/**
 * Fastify `genReqId`: the caller's `x-request-id` when it is a sane value (≤128 printable
 * characters), else a fresh UUID. The id travels to every subgraph and back in the response.
 */
export function requestIdFor(request: IncomingMessage): string {
  const header = request.headers[REQUEST_ID_HEADER];
  return typeof header === 'string' && header.length > 0 && header.length <= MAX_LENGTH && /^[\x21-\x7e]+$/.test(header) ? header : randomUUID();
}

/** Echoes the request id on every response, errors and 404s included. */
export function requestIdEchoFeature(): GatewayFeature {
  return { register: registerRequestIdEcho };
}

function registerRequestIdEcho(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
}
