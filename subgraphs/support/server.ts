import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createEntityCache, entityCacheDebugCounters } from '../shared/entity-cache/cache.js';
import { createStaleIfErrorReport, staleIfErrorPlugin } from '../shared/entity-cache/report.js';
import { createProvenanceRecorder, provenancePlugin } from '../shared/provenance.js';
import { createSubgraphServer, type SubgraphServer } from '../shared/server.js';
import type { SupportSubgraphConfig } from './config.js';
import type { SupportContext } from './context.js';
import { createLoaders } from './loaders.js';
import { ORIGIN } from './origin.js';
import { resolvers } from './resolvers/index.js';
import { createSupportClient } from './support-client.js';

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the support subgraph over the support desk's REST API; does not listen. */
export async function createSubgraph(config: SupportSubgraphConfig): Promise<SubgraphServer> {
  const client = createSupportClient({ baseUrl: config.apiUrl, apiKey: config.apiKey, timeoutMs: config.timeoutMs });
  const cache = createEntityCache({ config: config.entityCache, origin: ORIGIN });
  try {
    return await createSubgraphServer<SupportContext>({
      name: 'support',
      typeDefs,
      resolvers,
      production: config.production,
      createContext: (base) => {
        const staleIfError = createStaleIfErrorReport();
        const provenance = createProvenanceRecorder(ORIGIN);
        return { ...base, client, cache, staleIfError, provenance, loaders: createLoaders(client, cache, staleIfError, provenance) };
      },
      plugins: [staleIfErrorPlugin<SupportContext>(), provenancePlugin<SupportContext>()],
      checkReady: () => client.checkHealth(),
      debugCounters: () => ({ supportCalls: client.callCount(), ...entityCacheDebugCounters(cache) }),
      resetDebugCounters: () => {
        client.resetCallCount();
        cache.resetCounters();
      },
      onClose: async () => {
        await cache.close();
        await client.close();
      },
    });
  } catch (error) {
    await Promise.allSettled([cache.close(), client.close()]);
    throw error;
  }
}
