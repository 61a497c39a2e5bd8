import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createSubgraphServer, type SubgraphServer } from '../shared/server.js';
import type { SupportSubgraphConfig } from './config.js';
import type { SupportContext } from './context.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';
import { createSupportClient } from './support-client.js';

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the support subgraph over the support desk's REST API; does not listen. */
export async function createSubgraph(config: SupportSubgraphConfig): Promise<SubgraphServer> {
  const client = createSupportClient({ baseUrl: config.apiUrl, apiKey: config.apiKey, timeoutMs: config.timeoutMs });
  try {
    return await createSubgraphServer<SupportContext>({
      name: 'support',
      typeDefs,
      resolvers,
      production: config.production,
      createContext: (base) => ({ ...base, client, loaders: createLoaders(client) }),
      checkReady: () => client.checkHealth(),
      debugCounters: () => ({ supportCalls: client.callCount() }),
      resetDebugCounters: () => client.resetCallCount(),
      onClose: () => client.close(),
    });
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}
