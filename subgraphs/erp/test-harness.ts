import { startSqlSubgraph, type SqlBackend, type SqlSubgraphHarness } from '../../test/helpers/sql-subgraph.js';

/** Test support for the erp subgraph (not a test file); the shared SQL harness, named for ERP. */
export { sqlBackends as erpBackends, START_HOOK_TIMEOUT_MS, SEED_ENV } from '../../test/helpers/sql-subgraph.js';
export type ErpBackend = SqlBackend;
export type ErpHarness = SqlSubgraphHarness;
export const startErp = (backend: ErpBackend): Promise<ErpHarness> => startSqlSubgraph('erp', backend);
