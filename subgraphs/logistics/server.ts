import { createRestSubgraph } from '../shared/kinds/rest.js';
import type { SubgraphServer } from '../shared/server.js';
import type { LogisticsSubgraphConfig } from './config.js';
import { createLoaders } from './loaders.js';
import { createLogisticsClient } from './logistics-client.js';
import { ORIGIN } from './origin.js';
import { resolvers } from './resolvers/index.js';
import { shipmentChanged } from './shipment-cache.js';
import { registerLogisticsWebhook } from './webhook.js';

/** The logistics subgraph over the carrier's REST API, with its signed webhook; does not listen. */
export function createSubgraph(config: LogisticsSubgraphConfig): Promise<SubgraphServer> {
  return createRestSubgraph({
    name: 'logistics',
    schema: new URL('./schema.graphql', import.meta.url),
    resolvers,
    config,
    origin: ORIGIN,
    client: createLogisticsClient({ baseUrl: config.apiUrl, apiKey: config.apiKey, timeoutMs: config.timeoutMs }),
    createLoaders,
    registerRoutes: (app, cache) => registerLogisticsWebhook(app, { secret: config.webhookSecret, shipmentChanged: (id, orderNumber) => shipmentChanged(cache, id, orderNumber) }),
  });
}
