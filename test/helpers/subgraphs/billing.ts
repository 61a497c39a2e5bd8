import { startSqlSubgraph, type SqlBackend, type SqlSubgraphHarness } from '../sql-subgraph.js';

/** Test support for the billing subgraph ; the shared SQL harness, named for billing. */
export { sqlBackends as billingBackends, errorExtensions, START_HOOK_TIMEOUT_MS, SEED_ENV } from '../sql-subgraph.js';
export type BillingBackend = SqlBackend;
export type BillingHarness = SqlSubgraphHarness;
export const startBilling = (backend: BillingBackend): Promise<BillingHarness> => startSqlSubgraph('billing', backend);
