import { startSqlSubgraph, type SqlBackend, type SqlSubgraphHarness } from '../../test/helpers/sql-subgraph.js';

/** Test support for the billing subgraph (not a test file); the shared SQL harness, named for billing. */
export { sqlBackends as billingBackends, errorExtensions, START_HOOK_TIMEOUT_MS, SEED_ENV } from '../../test/helpers/sql-subgraph.js';
export type BillingBackend = SqlBackend;
export type BillingHarness = SqlSubgraphHarness;
export const startBilling = (backend: BillingBackend): Promise<BillingHarness> => startSqlSubgraph('billing', backend);
