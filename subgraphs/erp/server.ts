import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createProvenanceRecorder, provenancePlugin } from '../shared/provenance.js';
import { createSubgraphServer, type SubgraphServer } from '../shared/server.js';
import type { ErpConfig } from './config.js';
import type { ErpContext } from './context.js';
import { openErpDatabase, type OpenedErpDb } from './db.js';
import { createLoaders } from './loaders.js';
import { ERP_ORIGIN } from './origin.js';
import { resolvers } from './resolvers/index.js';

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export interface ErpSubgraph extends SubgraphServer {
  /** How the database was found at start: applied migrations, seeded rows, seed time. */
  startup: Omit<OpenedErpDb, 'db'>;
}

/** Opens (migrates, seeds) the ERP database and builds the subgraph server; does not listen. */
export async function createSubgraph(config: ErpConfig): Promise<ErpSubgraph> {
  const { db, ...startup } = await openErpDatabase(config);
  try {
    const server = await createSubgraphServer<ErpContext>({
      name: 'erp',
      typeDefs,
      resolvers,
      production: config.production,
      createContext: (base) => {
        const provenance = createProvenanceRecorder(ERP_ORIGIN);
        return { ...base, db, provenance, loaders: createLoaders(db, provenance) };
      },
      plugins: [provenancePlugin<ErpContext>()],
      checkReady: () => db.ping(),
      debugCounters: () => ({ sqlStatements: db.statementCount() }),
      resetDebugCounters: () => db.resetStatementCount(),
      onClose: () => db.close(),
    });
    return { ...server, startup };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
