import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createSubgraphServer, type SubgraphServer } from '../shared/server.js';
import type { CrmSubgraphConfig } from './config.js';
import type { CrmContext } from './context.js';
import { createCrmClient } from './crm-client.js';
import { createLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** The crm subgraph over the CRM's REST API; does not listen (main.ts and tests do). */
export function createSubgraph(config: CrmSubgraphConfig): Promise<SubgraphServer> {
  const crm = createCrmClient({ baseUrl: config.crmApiUrl, apiKey: config.crmApiKey, timeoutMs: config.crmTimeoutMs });
  return createSubgraphServer<CrmContext>({
    name: 'crm',
    typeDefs,
    resolvers,
    production: config.production,
    createContext: (base) => ({ ...base, crm, loaders: createLoaders(crm) }),
    checkReady: () => crm.health(),
    debugCounters: () => ({ crmCalls: crm.calls() }),
    resetDebugCounters: () => crm.resetCalls(),
    onClose: () => crm.close(),
  });
}
