import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createEntityCache, entityCacheDebugCounters } from '../shared/entity-cache/cache.js';
import { createStaleIfErrorReport, staleIfErrorPlugin } from '../shared/entity-cache/report.js';
import { createProvenanceRecorder, provenancePlugin } from '../shared/provenance.js';
import { createSubgraphServer, type SubgraphServer } from '../shared/server.js';
import type { CrmSubgraphConfig } from './config.js';
import type { CrmContext } from './context.js';
import { createCrmClient } from './crm-client.js';
import { customerChanged } from './customer-cache.js';
import { createLoaders } from './loaders.js';
import { ORIGIN } from './models.js';
import { resolvers } from './resolvers/index.js';
import { registerCrmWebhook } from './webhook.js';

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** The crm subgraph over the CRM's REST API; does not listen (main.ts and tests do). */
export async function createSubgraph(config: CrmSubgraphConfig): Promise<SubgraphServer> {
  const crm = createCrmClient({ baseUrl: config.crmApiUrl, apiKey: config.crmApiKey, timeoutMs: config.crmTimeoutMs });
  const cache = createEntityCache({ config: config.entityCache, origin: ORIGIN });
  // Assigned right after the server exists; counters are read only once it serves.
  let webhook: ReturnType<typeof registerCrmWebhook> | undefined;
  const server = await createSubgraphServer<CrmContext>({
    name: 'crm',
    typeDefs,
    resolvers,
    production: config.production,
    createContext: (base) => {
      const staleIfError = createStaleIfErrorReport();
      const provenance = createProvenanceRecorder(ORIGIN);
      return { ...base, crm, cache, staleIfError, provenance, loaders: createLoaders(crm, cache, staleIfError, provenance) };
    },
    plugins: [staleIfErrorPlugin<CrmContext>(), provenancePlugin<CrmContext>()],
    checkReady: () => crm.health(),
    debugCounters: () => ({ crmCalls: crm.calls(), ...entityCacheDebugCounters(cache), ...webhook?.counters() }),
    resetDebugCounters: () => {
      crm.resetCalls();
      cache.resetCounters();
      webhook?.resetCounters();
    },
    onClose: async () => {
      await cache.close();
      await crm.close();
    },
  }).catch(async (error: unknown) => {
    await Promise.allSettled([cache.close(), crm.close()]);
    throw error;
  });
  webhook = registerCrmWebhook(server.app, { secret: config.webhookSecret, customerChanged: (id) => customerChanged(cache, id) });
  return server;
}
