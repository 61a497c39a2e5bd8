import { startSqlSubgraph, type SqlBackend, type SqlSubgraphHarness } from '../sql-subgraph.js';

/** Test support for the erp subgraph ; the shared SQL harness, named for ERP. */
export { sqlBackends as erpBackends, START_HOOK_TIMEOUT_MS, SEED_ENV } from '../sql-subgraph.js';
export type ErpBackend = SqlBackend;
export type ErpHarness = SqlSubgraphHarness;
export const startErp = (backend: ErpBackend): Promise<ErpHarness> => startSqlSubgraph('erp', backend);
