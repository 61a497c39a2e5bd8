import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type ServiceProcess } from '../../../scripts/lib/processes.js';
import { graphql, http, type GraphQLResponse } from '../graphql.js';
import { HARNESS_PRINCIPAL, internalAuthorization } from '../tokens.js';
import type { Principal } from '../../../common/contracts/internal-token.js';

/** Test-only: the support desk stand-in and the support subgraph as real processes. */
export const DESK_KEY = 'subgraph-test-key';

export interface SupportProcesses {
  dataDir: string;
  desk: ServiceProcess;
  subgraph: ServiceProcess;
  startDesk(): Promise<ServiceProcess>;
  startSubgraph(): Promise<ServiceProcess>;
  /** A direct subgraph call with the gateway's internal token for `principal` (default: every scope; null: anonymous). */
  query<D = Record<string, any>>(query: string, variables?: Record<string, unknown>, principal?: Principal | null): Promise<GraphQLResponse<D>>;
  /** Desk requests since the last reset, by route. */
  deskCalls(): Promise<{ requests: number; byRoute: Record<string, number> }>;
  resetDeskCalls(): Promise<void>;
  /** How many tickets the desk holds. */
  deskTicketCount(): Promise<number>;
  stop(): Promise<void>;
}

/** `subgraphEnv` adds to the subgraph's environment; the entity cache is off unless it says `ENTITY_CACHE: 'on'`. */
export async function startSupport(subgraphEnv: Record<string, string> = {}): Promise<SupportProcesses> {
  const dataDir = mkdtempSync(join(tmpdir(), 'support-subgraph-'));
  const env = { PORT: '0', BIZGRAPH_DATA_DIR: dataDir, SUPPORT_API_KEY: DESK_KEY, SEED: undefined, SEED_SCALE: undefined, NODE_ENV: 'test' };
  const state = {} as SupportProcesses;
  state.dataDir = dataDir;
  state.startDesk = async () => (state.desk = await startService({ name: 'support-system', entry: 'systems/support/main.ts', env }));
  state.startSubgraph = async () =>
    (state.subgraph = await startService({
      name: 'support',
      entry: 'subgraphs/support/main.ts',
      env: { ...env, SUPPORT_API_URL: state.desk.url, ENTITY_CACHE: 'off', ...subgraphEnv },
    }));
  state.query = async (query, variables, principal = HARNESS_PRINCIPAL) =>
    graphql(state.subgraph.url, query, variables, await internalAuthorization(dataDir, 'support', principal));
  state.deskCalls = async () => (await http('GET', `${state.desk.url}/_stats`)).body;
  state.resetDeskCalls = async () => void (await http('POST', `${state.desk.url}/_stats/reset`));
  state.deskTicketCount = async () => (await http('GET', `${state.desk.url}/healthz`)).body.tickets;
  state.stop = async () => {
    await Promise.all([state.subgraph?.stop(), state.desk?.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await state.startDesk();
    await state.startSubgraph();
  } catch (error) {
    await state.stop();
    throw error;
  }
  return state;
}
