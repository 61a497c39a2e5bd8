import type { FastifyInstance } from 'fastify';
import { listenAndDescribe } from '../../common/listen.js';
import { createStandInApp } from '../shared/stand-in.js';
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

/**
 * The logistics stand-in: a carrier-tracking REST API with an API key, batch reads (≤ 100 keys),
 * carrier status updates that send signed change webhooks, and artificial latency; it counts
 * every API call so tests can prove batching.
 */
export async function createLogisticsSystem(config: Omit<LogisticsSystemConfig, 'port' | 'host'>): Promise<LogisticsSystem> {
  const store = await ShipmentStore.open(config.storeDir, config.seedShipments);
  const webhooks = createWebhookSender({ url: config.webhookUrl, secret: config.webhookSecret });
  const app = createStandInApp({ service: 'logistics-system', apiKey: config.apiKey, latencyMs: config.latencyMs, health: () => ({ shipments: store.count() }) });
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
