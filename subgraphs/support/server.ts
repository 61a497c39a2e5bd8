import { createRestSubgraph } from '../shared/kinds/rest.js';
import type { SubgraphServer } from '../shared/server.js';
import type { SupportSubgraphConfig } from './config.js';
import { createLoaders } from './loaders.js';
import { ORIGIN } from './origin.js';
import { resolvers } from './resolvers/index.js';
import { createSupportClient } from './support-client.js';

/** The support subgraph over the support desk's REST API; does not listen. */
export function createSubgraph(config: SupportSubgraphConfig): Promise<SubgraphServer> {
  return createRestSubgraph({
    name: 'support',
    schema: new URL('./schema.graphql', import.meta.url),
    resolvers,
    config,
    origin: ORIGIN,
    client: createSupportClient({ baseUrl: config.apiUrl, apiKey: config.apiKey, timeoutMs: config.timeoutMs }),
    createLoaders,
  });
}
