import type { FastifyInstance } from 'fastify';
import type { SupportSystemConfig } from './config.js';
import { registerTicketRoutes } from './routes.js';
import { TicketStore } from './store.js';
import { listenAndDescribe } from '../../common/listen.js';
import { createStandInApp } from '../shared/stand-in.js';

export interface SupportSystem {
  app: FastifyInstance;
  /** Listens and resolves with the base URL (`http://host:port`). */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The support desk stand-in: a REST API with an API key, batch reads, cursor pages, idempotent
 * creates and artificial latency, counting every API call so tests can prove batching.
 */
export async function createSupportSystem(config: Omit<SupportSystemConfig, 'port' | 'host'>): Promise<SupportSystem> {
  const store = await TicketStore.open(config.storeDir, config.seedTickets);
  const app = createStandInApp({ service: 'support-system', apiKey: config.apiKey, latencyMs: config.latencyMs, health: () => ({ tickets: store.count() }) });
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
