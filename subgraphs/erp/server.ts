import { createSqlSubgraph } from '../shared/kinds/sql.js';
import type { SubgraphServer } from '../shared/server.js';
import type { ErpSubgraphConfig } from './config.js';
import { openErpDb } from './db.js';
import { ERP_EVENT_HANDLERS } from './events/handlers.js';
import { createLoaders } from './loaders.js';
import { ORIGIN } from './origin.js';
import { resolvers } from './resolvers/index.js';

/**
 * Opens (migrates, seeds) the ERP database and builds the subgraph server; does not listen. The ERP
 * relays its outbox (order.approved, order.cancelled) and marks orders delivered and paid.
 */
export function createSubgraph(config: ErpSubgraphConfig): Promise<SubgraphServer> {
  return createSqlSubgraph({
    name: 'erp',
    schema: new URL('./schema.graphql', import.meta.url),
    resolvers,
    config,
    origin: ORIGIN,
    openDb: () => openErpDb(config),
    createLoaders: (db, provenance) => createLoaders(db, provenance, config.processSlos),
    events: { producer: 'erp', handlers: ERP_EVENT_HANDLERS, config },
  });
}
