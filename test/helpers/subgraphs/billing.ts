import type { SqlBackend, SqlSubgraphHarness } from '../sql-subgraph.js';
import { useSqlSubgraph } from './sql-suite.js';

/** Test support for the billing subgraph: the shared SQL harness, named for billing. */
export { sqlBackends as billingBackends, errorExtensions, START_HOOK_TIMEOUT_MS, SEED_ENV } from '../sql-subgraph.js';
export type BillingBackend = SqlBackend;
export type BillingHarness = SqlSubgraphHarness;

/** The billing subgraph for the enclosing suite: started before it, stopped after it. */
export const useBilling = (backend: BillingBackend): BillingHarness => useSqlSubgraph('billing', backend);
