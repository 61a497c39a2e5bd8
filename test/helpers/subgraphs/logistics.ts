import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type ServiceProcess } from '../../../scripts/lib/processes.js';
import { graphql, http, type GraphQLResponse } from '../graphql.js';
import { HARNESS_PRINCIPAL, internalAuthorization } from '../tokens.js';
import type { Principal } from '../../../common/contracts/internal-token.js';

/** Test-only: the logistics stand-in and the logistics subgraph as real processes. */
export const LOGISTICS_KEY = 'logistics-test-key';

export interface LogisticsProcesses {
  dataDir: string;
  system: ServiceProcess;
  subgraph: ServiceProcess;
  /** A direct subgraph call with the gateway's internal token for `principal` (default: every scope). */
  query<D = Record<string, any>>(query: string, variables?: Record<string, unknown>, principal?: Principal | null): Promise<GraphQLResponse<D>>;
  /** Requests the stand-in served since the last reset, by route. */
  systemCalls(): Promise<Record<string, number>>;
  resetSystemCalls(): Promise<void>;
  stop(): Promise<void>;
}

/** `subgraphEnv` adds to the subgraph's environment; the entity cache is off unless it says otherwise. */
export async function startLogistics(subgraphEnv: Record<string, string> = {}, systemEnv: Record<string, string> = {}): Promise<LogisticsProcesses> {
  const dataDir = mkdtempSync(join(tmpdir(), 'logistics-subgraph-'));
  const env = {
    PORT: '0',
    NODE_ENV: 'test',
    BIZGRAPH_DATA_DIR: dataDir,
    LOGISTICS_API_KEY: LOGISTICS_KEY,
    SEED: undefined,
    SEED_SCALE: undefined,
    LOGISTICS_WEBHOOK_URL: undefined,
  };
  const state = { dataDir } as LogisticsProcesses;
  state.query = async (query, variables, principal = HARNESS_PRINCIPAL) =>
    graphql(state.subgraph.url, query, variables, await internalAuthorization(dataDir, 'logistics', principal));
  state.systemCalls = async () => (await http<{ byRoute: Record<string, number> }>('GET', `${state.system.url}/_stats`)).body.byRoute;
  state.resetSystemCalls = async () => void (await http('POST', `${state.system.url}/_stats/reset`));
  state.stop = async () => {
    await Promise.all([state.subgraph?.stop(), state.system?.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    state.system = await startService({ name: 'logistics-system', entry: 'systems/logistics/main.ts', env: { ...env, ...systemEnv } });
    state.subgraph = await startService({
      name: 'logistics',
      entry: 'subgraphs/logistics/main.ts',
      env: { ...env, LOGISTICS_API_URL: state.system.url, ENTITY_CACHE: 'off', ...subgraphEnv },
    });
  } catch (error) {
    await state.stop();
    throw error;
  }
  return state;
}
