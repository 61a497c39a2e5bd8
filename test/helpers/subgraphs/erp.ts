import type { SqlBackend, SqlSubgraphHarness } from '../sql-subgraph.js';
import { useSqlSubgraph } from './sql-suite.js';

/** Test support for the erp subgraph: the shared SQL harness, named for ERP. */
export { sqlBackends as erpBackends, START_HOOK_TIMEOUT_MS, SEED_ENV } from '../sql-subgraph.js';
export type ErpBackend = SqlBackend;
export type ErpHarness = SqlSubgraphHarness;

/** The erp subgraph for the enclosing suite: started before it, stopped after it. */
export const useErp = (backend: ErpBackend): ErpHarness => useSqlSubgraph('erp', backend);
