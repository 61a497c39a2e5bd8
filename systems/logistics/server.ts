import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { listenAndDescribe } from '../../common/listen.js';
import { errorText, processLogger } from '../../common/logger.js';
import { DEFAULT_QUIET_ROUTES, registerRequestLog, requestIdHeader } from '../../common/request-log.js';
import type { LogisticsSystemConfig } from './config.js';
import { registerShipmentRoutes } from './routes.js';
import { ShipmentStore } from './store.js';
import { createWebhookSender } from './webhooks.js';

export interface LogisticsSystem {
  app: FastifyInstance;
  /** Listens and resolves with the base URL (`http://host:port`). */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/** Operational endpoints: no API key, no latency, not counted. */
const PUBLIC_ROUTES = new Set(['/healthz', '/_stats', '/_stats/reset']);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counted per route pattern (`GET /shipments/:id`), the unit callers reason about. */
const routeKey = (request: FastifyRequest) => `${request.method} ${request.routeOptions.url ?? '(unmatched)'}`;

/**
 * The logistics stand-in: a carrier-tracking REST API with an API key, batch reads (≤ 100 keys),
 * carrier status updates that send signed change webhooks, and artificial latency; it counts
 * every API call so tests can prove batching.
 */
export async function createLogisticsSystem(config: Omit<LogisticsSystemConfig, 'port' | 'host'>): Promise<LogisticsSystem> {
  const store = await ShipmentStore.open(config.storeDir, config.seedShipments);
  const webhooks = createWebhookSender({ url: config.webhookUrl, secret: config.webhookSecret });
  const app = Fastify({ logger: false });
  registerRequestLog(app, { logger: processLogger('logistics-system'), quietRoutes: [...DEFAULT_QUIET_ROUTES, ...PUBLIC_ROUTES], requestId: requestIdHeader });
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
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(status).send({ error: { code: 'validation', field: 'body', message: error.message } });
    processLogger('logistics-system').error({ error: errorText(error) }, String(error.message));
    return reply.code(500).send({ error: { code: 'internal', message: 'internal error' } });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: { code: 'not_found', message: 'no such route' } }));

  app.get('/healthz', async () => ({ status: 'ok', shipments: store.count() }));
  app.get('/_stats', async () => stats);
  app.post('/_stats/reset', async () => {
    stats.requests = 0;
    stats.byRoute = {};
    return stats;
  });
  registerShipmentRoutes(app, store, webhooks);

  return {
    app,
    listen: (port, host) => listenAndDescribe(app, port, host),
    async close() {
      await app.close();
      await webhooks.close();
      await store.flush();
    },
  };
}
