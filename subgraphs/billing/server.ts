import { processLogger } from '../../common/logger.js';
import { createSqlSubgraph } from '../shared/kinds/sql.js';
import type { SubgraphServer } from '../shared/server.js';
import type { BillingSubgraphConfig } from './config.js';
import { openBillingDb } from './db.js';
import { billingEventHandlers } from './events/handlers.js';
import { createLoaders } from './loaders.js';
import { ORIGIN } from './origin.js';
import { resolvers } from './resolvers/index.js';

/**
 * Opens (migrates, seeds) billing's own database and builds the subgraph server; does not listen.
 * Billing relays its outbox (invoice.issued, payment.recorded) and invoices approved orders.
 */
export function createSubgraph(config: BillingSubgraphConfig): Promise<SubgraphServer> {
  return createSqlSubgraph({
    name: 'billing',
    schema: new URL('./schema.graphql', import.meta.url),
    resolvers,
    config,
    origin: ORIGIN,
    openDb: () => openBillingDb(config),
    createLoaders: (db, provenance) => createLoaders(db, provenance, config.processSlos),
    events: { producer: 'billing', handlers: billingEventHandlers(processLogger('billing-subgraph')), config },
  });
}
