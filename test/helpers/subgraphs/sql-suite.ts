import { afterAll, beforeAll } from 'vitest';
import { START_HOOK_TIMEOUT_MS, startSqlSubgraph, type SqlBackend, type SqlSubgraphHarness, type SqlSubgraphName } from '../sql-subgraph.js';

/**
 * Starts the SQL subgraph before the enclosing suite and stops it after, returning a harness that
 * forwards to the running one: each test file says `const erp = useSqlSubgraph('erp', backend)`
 * instead of repeating the same beforeAll/afterAll pair.
 */
export function useSqlSubgraph(name: SqlSubgraphName, backend: SqlBackend): SqlSubgraphHarness {
  let harness: SqlSubgraphHarness | undefined;
  beforeAll(async () => {
    harness = await startSqlSubgraph(name, backend);
  }, START_HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await harness?.stop();
  }, START_HOOK_TIMEOUT_MS);
  const running = (): SqlSubgraphHarness => {
    if (!harness) throw new Error(`the ${name} subgraph did not start (see the beforeAll error)`);
    return harness;
  };
  return {
    get url() {
      return running().url;
    },
    get env() {
      return running().env;
    },
    query: (query, variables, principal) => running().query(query, variables, principal),
    statements: () => running().statements(),
    resetStatements: () => running().resetStatements(),
    restart: () => running().restart(),
    stop: () => running().stop(),
  };
}
