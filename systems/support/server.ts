import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { SupportSystemConfig } from './config.js';
import { registerTicketRoutes } from './routes.js';
import { TicketStore } from './store.js';
import { listenAndDescribe } from '../../common/listen.js';
import { errorText, processLogger } from '../../common/logger.js';
import { DEFAULT_QUIET_ROUTES, registerRequestLog, requestIdHeader } from '../../common/request-log.js';

export interface SupportSystem {
  app: FastifyInstance;
  /** Listens and resolves with the base URL (`http://host:port`). */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/** Operational endpoints: no API key, no latency, not counted. */
const PUBLIC_ROUTES = new Set(['/healthz', '/_stats', '/_stats/reset']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counted per route pattern (`GET /tickets/:id`), the unit callers reason about. */
function routeKey(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? '(unmatched)'}`;
}

/**
 * The support desk stand-in: a REST API with an API key, batch reads, cursor pages, idempotent
 * creates and artificial latency, counting every API call so tests can prove batching.
 */
export async function createSupportSystem(config: Omit<SupportSystemConfig, 'port' | 'host'>): Promise<SupportSystem> {
  const store = await TicketStore.open(config.storeDir, config.seedTickets);
  const app = Fastify({ logger: false });
  registerRequestLog(app, { logger: processLogger('support-system'), quietRoutes: [...DEFAULT_QUIET_ROUTES, ...PUBLIC_ROUTES], requestId: requestIdHeader });
  const stats = { requests: 0, byRoute: {} as Record<string, number> };

  app.addHook('onRequest', async (request, reply) => {
    if (PUBLIC_ROUTES.has(request.routeOptions.url ?? '')) return;
    stats.requests++;
    const key = routeKey(request);
    stats.byRoute[key] = (stats.byRoute[key] ?? 0) + 1;
    if (config.latencyMs > 0) await sleep(config.latencyMs);
    if (request.headers['x-api-key'] !== config.apiKey) {
      return reply.code(401).send({ error: { code: 'unauthorized', message: 'a valid x-api-key header is required' } });
    }
  });

  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    // Malformed JSON, wrong content type and the like: the caller's fault, said plainly.
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: { code: 'validation', field: 'body', message: error.message } });
    }
    processLogger('support-system').error({ error: errorText(error) }, String(error.message));
    return reply.code(500).send({ error: { code: 'internal', message: 'internal error' } });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: { code: 'not_found', message: 'no such route' } }));

  app.get('/healthz', async () => ({ status: 'ok', tickets: store.count() }));
  app.get('/_stats', async () => stats);
  app.post('/_stats/reset', async () => {
    stats.requests = 0;
    stats.byRoute = {};
    return stats;
  });
  registerTicketRoutes(app, store);

  return {
    app,
    listen: (port, host) => listenAndDescribe(app, port, host),
    async close() {
      await app.close();
      await store.flush();
    },
  };
}
