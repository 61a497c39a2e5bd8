import { processLogger } from '../../common/logger.js';
import { createRestSubgraph } from '../shared/kinds/rest.js';
import type { SubgraphServer } from '../shared/server.js';
import type { EntityCache } from '../shared/entity-cache/cache.js';
import type { Database } from '../shared/sql.js';
import type { LogisticsSubgraphConfig } from './config.js';
import { openLogisticsEventsDb } from './events/db.js';
import { recordDeliveryNotice } from './events/shipment-events.js';
import { withEvents } from '../shared/kinds/events.js';
import { createLogisticsHandlers } from './events/handlers.js';
import { consumerStates } from '../shared/process/steps.js';
import { createLoaders } from './loaders.js';
import { createLogisticsClient } from './logistics-client.js';
import { ORIGIN } from './origin.js';
import { resolvers } from './resolvers/index.js';
import { shipmentChanged } from './shipment-cache.js';
import { registerLogisticsWebhook } from './webhook.js';

/**
 * The logistics subgraph over the carrier's REST API, with its signed webhook and its own events
 * database (outbox, processed events: issue 17); does not listen. `/readyz` follows the carrier only.
 */
export async function createSubgraph(config: LogisticsSubgraphConfig): Promise<SubgraphServer> {
  // PGlite takes seconds to start: it opens while the server is built, not after.
  const opening = openLogisticsEventsDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const client = createLogisticsClient({ baseUrl: config.apiUrl, apiKey: config.apiKey, timeoutMs: config.timeoutMs });
  // Set before the server listens (both are awaited below), so no webhook arrives without it.
  let events: Database | undefined;
  // The entity cache, once the server built it: the event handlers drop what their carrier calls changed.
  let builtCache: EntityCache | undefined;
  const building = createRestSubgraph({
    name: 'logistics',
    schema: new URL('./schema.graphql', import.meta.url),
    resolvers,
    config,
    origin: ORIGIN,
    client,
    // The events database opens beside the server: loaders only run once both are up.
    createLoaders: (carrier, cache, report, provenance) =>
      createLoaders(carrier, cache, report, provenance, { read: (numbers, consumers) => consumerStates(events!, numbers, consumers), slos: config.processSlos }),
    registerRoutes: (app, entityCache) => {
      builtCache = entityCache;
      return registerLogisticsWebhook(app, {
        secret: config.webhookSecret,
        shipmentChanged: (id, orderNumber) => shipmentChanged(entityCache, id, orderNumber),
        shipmentDelivered: async (notice) => void (await recordDeliveryNotice(events!, client, notice)),
      });
    },
  });
  const [built, opened] = await Promise.allSettled([building, opening]);
  if (built.status === 'rejected' || opened.status === 'rejected') {
    await Promise.allSettled([built.status === 'fulfilled' ? built.value.close() : undefined, opened.status === 'fulfilled' ? opened.value.db.close() : undefined]);
    throw built.status === 'rejected' ? built.reason : (opened as PromiseRejectedResult).reason;
  }
  const server = built.value;
  events = opened.value.db;
  processLogger('logistics-subgraph').info({ kind: events.kind, migrated: opened.value.migrated }, 'events database ready');
  const closing = {
    app: server.app,
    listen: server.listen,
    async close() {
      try {
        await server.close();
      } finally {
        await events!.close();
      }
    },
  };
  // Relays shipment.created / shipment.delivered; books and cancels parcels for the ERP's orders.
  return withEvents(closing, {
    name: 'logistics',
    db: events,
    producer: 'logistics',
    handlers: createLogisticsHandlers({ client, shipmentChanged: async (id, orderNumber) => void (builtCache && (await shipmentChanged(builtCache, id, orderNumber))) }),
    config,
  }).catch(async (error: unknown) => {
    await closing.close();
    throw error;
  });
}
