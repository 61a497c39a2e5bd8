import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { processLogger } from '../../common/logger.js';
import { createProvenanceRecorder, provenancePlugin } from '../shared/provenance.js';
import { createSubgraphServer, type SubgraphServer } from '../shared/server.js';
import type { BillingConfig } from './config.js';
import type { BillingContext } from './context.js';
import { openBillingDb } from './db.js';
import { createLoaders } from './loaders.js';
import { BILLING_ORIGIN } from './origin.js';
import { resolvers } from './resolvers/index.js';

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Opens, migrates and (when empty) seeds billing's database, then builds the server; no listen. */
export async function createSubgraph(config: BillingConfig): Promise<SubgraphServer> {
  const { db, appliedMigrations, seeded, seedMs } = await openBillingDb(config);
  processLogger('billing-subgraph').info({ backend: db.kind, appliedMigrations, seeded, seedMs: seeded ? seedMs : undefined }, 'database ready');
  try {
    return await createSubgraphServer<BillingContext>({
      name: 'billing',
      typeDefs,
      resolvers,
      production: config.production,
      createContext: (base) => {
        const provenance = createProvenanceRecorder(BILLING_ORIGIN);
        return { ...base, db, provenance, loaders: createLoaders(db, provenance) };
      },
      plugins: [provenancePlugin<BillingContext>()],
      checkReady: () => db.ping(),
      debugCounters: () => ({ sqlStatements: db.statementCount() }),
      resetDebugCounters: () => db.resetStatementCount(),
      onClose: () => db.close(),
    });
  } catch (error) {
    await db.close();
    throw error;
  }
}
