import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { errorText, processLogger, requestLineLogger } from '../../common/logger.js';
import { DEFAULT_QUIET_ROUTES, registerRequestLog, requestIdHeader } from '../../common/request-log.js';

export interface StandInOptions {
  /** Log service name, e.g. `support-system`. */
  service: string;
  /** Every API call must carry it in `x-api-key`. */
  apiKey: string;
  /** Added before every API call, to make the system as slow as a real one. */
  latencyMs: number;
  /** Fields of `GET /healthz` besides `status: "ok"`, e.g. `{ tickets: 1200 }`. */
  health(): Record<string, unknown>;
}

/** Operational endpoints: no API key, no latency, not counted. */
const PUBLIC_ROUTES = new Set(['/healthz', '/_stats', '/_stats/reset']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counted per route pattern (`GET /tickets/:id`), the unit callers reason about. */
const routeKey = (request: FastifyRequest) => `${request.method} ${request.routeOptions.url ?? '(unmatched)'}`;

/**
 * The HTTP frame of a REST stand-in (support desk, logistics carrier): request log lines, the API
 * key, artificial latency, plain JSON errors, `/healthz`, and per-route request counts at
 * `GET /_stats` (`POST /_stats/reset`) so tests can prove batching. The caller adds its routes.
 */
export function createStandInApp(options: StandInOptions): FastifyInstance {
  const app = Fastify({ logger: false });
  registerRequestLog(app, { logger: requestLineLogger(options.service), quietRoutes: [...DEFAULT_QUIET_ROUTES, ...PUBLIC_ROUTES], requestId: requestIdHeader });
  const stats = { requests: 0, byRoute: {} as Record<string, number> };

  app.addHook('onRequest', async (request, reply) => {
    if (PUBLIC_ROUTES.has(request.routeOptions.url ?? '')) return;
    stats.requests++;
    const key = routeKey(request);
    stats.byRoute[key] = (stats.byRoute[key] ?? 0) + 1;
    if (options.latencyMs > 0) await sleep(options.latencyMs);
    if (request.headers['x-api-key'] !== options.apiKey) {
      return reply.code(401).send({ error: { code: 'unauthorized', message: 'a valid x-api-key header is required' } });
    }
  });

  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    // Malformed JSON, wrong content type and the like: the caller's fault, said plainly.
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: { code: 'validation', field: 'body', message: error.message } });
    }
    processLogger(options.service).error({ error: errorText(error) }, String(error.message));
    return reply.code(500).send({ error: { code: 'internal', message: 'internal error' } });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: { code: 'not_found', message: 'no such route' } }));

  app.get('/healthz', async () => ({ status: 'ok', ...options.health() }));
  app.get('/_stats', async () => stats);
  app.post('/_stats/reset', async () => {
    stats.requests = 0;
    stats.byRoute = {};
    return stats;
  });
  return app;
}
