import type { FastifyInstance, FastifyReply } from 'fastify';
import { ConfigError, type Env } from '../../../common/config.js';

/**
 * Cross-origin access for browser apps served from another origin (a Vite dev server, the company's
 * web app). Only exact origins from `CORS_ORIGINS` are answered; a preflight from any other origin
 * is refused, and a simple request from one gets no CORS headers (so the browser hides the answer).
 * Tokens travel in `authorization`, never in cookies: no credentials mode, so no wildcard is needed
 * or accepted. CSRF prevention stays as it is: a cross-origin POST is preflighted, the preflight is
 * answered here, and the request itself still has to pass the CSRF check like any other.
 */
export interface CorsConfig {
  /** Exact origins (`scheme://host[:port]`), lower-cased. */
  origins: readonly string[];
}

/** What a local frontend runs on in development: Vite (5173) and the usual 3000, by name and address. */
export const DEVELOPMENT_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173', 'http://localhost:3000', 'http://127.0.0.1:3000'];

export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'apollographql-client-name',
  'apollographql-client-version',
  'apollo-require-preflight',
  'x-request-id',
  'traceparent',
  'tracestate',
  'bizgraph-fetches',
];
export const CORS_EXPOSED_HEADERS = ['x-trace-id', 'x-request-id', 'bizgraph-response-cache', 'cache-control', 'retry-after'];
const MAX_AGE_SECONDS = 600;

/** `CORS_ORIGINS`: comma-separated exact origins; unset: the local dev origins outside production, none in production. */
export function readCorsConfig(env: Env, production: boolean): CorsConfig {
  const raw = env.CORS_ORIGINS;
  if (raw === undefined) return { origins: production ? [] : DEVELOPMENT_ORIGINS };
  const origins = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (origin === '*' || origin === 'null') throw new ConfigError('CORS_ORIGINS', `"${origin}" is not an origin: list each allowed origin exactly, e.g. https://app.example.com`);
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.origin !== origin.toLowerCase().replace(/\/$/, '')) {
      throw new ConfigError('CORS_ORIGINS', `"${origin}" is not an origin (scheme://host[:port], no path), e.g. https://app.example.com`);
    }
  }
  return { origins: origins.map((origin) => origin.toLowerCase().replace(/\/$/, '')) };
}

/** Answers preflights and marks answers to allowed origins; runs before every other hook. */
export function registerCors(app: FastifyInstance, config: CorsConfig): void {
  const allowed = new Set(config.origins);
  const exposed = CORS_EXPOSED_HEADERS.join(', ');
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (origin === undefined) return done();
    const known = allowed.has(origin.toLowerCase());
    const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    if (preflight) {
      if (!known) return refuse(reply, origin);
      void reply
        .code(204)
        .header('access-control-allow-origin', origin)
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-allow-headers', CORS_ALLOWED_HEADERS.join(', '))
        .header('access-control-max-age', String(MAX_AGE_SECONDS))
        .header('vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers')
        .send();
      return;
    }
    if (known) void reply.header('access-control-allow-origin', origin).header('access-control-expose-headers', exposed).header('vary', 'Origin');
    done();
  });
}

function refuse(reply: FastifyReply, origin: string): void {
  const message = `origin ${origin} is not allowed to call this gateway from a browser (CORS_ORIGINS)`;
  void reply
    .code(403)
    .header('vary', 'Origin')
    .type('application/json; charset=utf-8')
    .send({ errors: [{ message, extensions: { code: 'CORS_ORIGIN_NOT_ALLOWED' } }] });
}
