import { createRestSubgraph } from '../shared/kinds/rest.js';
import type { SubgraphServer } from '../shared/server.js';
import type { CrmSubgraphConfig } from './config.js';
import { createCrmClient } from './crm-client.js';
import { customerChanged } from './customer-cache.js';
import { createLoaders } from './loaders.js';
import { ORIGIN } from './origin.js';
import { resolvers } from './resolvers/index.js';
import { registerCrmWebhook } from './webhook.js';

/** The crm subgraph over the CRM's REST API, with its change webhook; does not listen. */
export function createSubgraph(config: CrmSubgraphConfig): Promise<SubgraphServer> {
  return createRestSubgraph({
    name: 'crm',
    schema: new URL('./schema.graphql', import.meta.url),
    resolvers,
    config,
    origin: ORIGIN,
    client: createCrmClient({ baseUrl: config.apiUrl, apiKey: config.apiKey, timeoutMs: config.timeoutMs }),
    createLoaders,
    registerRoutes: (app, cache) => registerCrmWebhook(app, { secret: config.webhookSecret, customerChanged: (id) => customerChanged(cache, id) }),
  });
}
