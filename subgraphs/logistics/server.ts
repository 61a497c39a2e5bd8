import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createEntityCache, entityCacheDebugCounters } from '../shared/entity-cache/cache.js';
import { createStaleIfErrorReport, staleIfErrorPlugin } from '../shared/entity-cache/report.js';
import { createProvenanceRecorder, provenancePlugin } from '../shared/provenance.js';
import { createSubgraphServer, type SubgraphServer } from '../shared/server.js';
import { createLogisticsClient } from './logistics-client.js';
import type { LogisticsSubgraphConfig } from './config.js';
import type { LogisticsContext } from './context.js';
import { createLoaders } from './loaders.js';
import { ORIGIN } from './origin.js';
import { resolvers } from './resolvers/index.js';
import { shipmentChanged } from './shipment-cache.js';
import { registerLogisticsWebhook } from './webhook.js';

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the logistics subgraph over the logistics system's REST API; does not listen. */
export async function createSubgraph(config: LogisticsSubgraphConfig): Promise<SubgraphServer> {
  const client = createLogisticsClient({ baseUrl: config.apiUrl, apiKey: config.apiKey, timeoutMs: config.timeoutMs });
  const cache = createEntityCache({ config: config.entityCache, origin: ORIGIN });
  // Assigned right after the server exists; counters are read only once it serves.
  let webhook: ReturnType<typeof registerLogisticsWebhook> | undefined;
  try {
    const server = await createSubgraphServer<LogisticsContext>({
      name: 'logistics',
      typeDefs,
      resolvers,
      production: config.production,
      createContext: (base) => {
        const staleIfError = createStaleIfErrorReport();
        const provenance = createProvenanceRecorder(ORIGIN);
        return { ...base, client, cache, staleIfError, provenance, loaders: createLoaders(client, cache, staleIfError, provenance) };
      },
      plugins: [staleIfErrorPlugin<LogisticsContext>(), provenancePlugin<LogisticsContext>()],
      checkReady: () => client.checkHealth(),
      debugCounters: () => ({ logisticsCalls: client.callCount(), ...entityCacheDebugCounters(cache), ...webhook?.counters() }),
      resetDebugCounters: () => {
        client.resetCallCount();
        cache.resetCounters();
        webhook?.resetCounters();
      },
      onClose: async () => {
        await cache.close();
        await client.close();
      },
    });
    webhook = registerLogisticsWebhook(server.app, { secret: config.webhookSecret, shipmentChanged: (id, orderNumber) => shipmentChanged(cache, id, orderNumber) });
    return server;
  } catch (error) {
    await Promise.allSettled([cache.close(), client.close()]);
    throw error;
  }
}
