import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type ServiceProcess } from '../../../scripts/lib/processes.js';
import { graphql, http, type GraphQLResponse } from '../graphql.js';
import { HARNESS_PRINCIPAL, internalAuthorization } from '../tokens.js';
import { keyFiles } from '../../../gateway/src/auth/key-files.js';
import type { Principal } from '../../../common/contracts/internal-token.js';
import type { SeedCustomer } from '../../../systems/seed/types.js';

/** The CRM stand-in and the crm subgraph as real processes over a throw-away data dir. */
export interface CrmPair {
  crm: ServiceProcess;
  subgraph: ServiceProcess;
  /** A direct subgraph call with the gateway's internal token for `principal` (default: every scope; null: anonymous). */
  query<D = Record<string, any>>(query: string, variables?: Record<string, unknown>, principal?: Principal | null): Promise<GraphQLResponse<D>>;
  /** CRM API calls since the last `resetCalls()`, from the stand-in's own counter. */
  calls(): Promise<{ requests: number; byRoute: Record<string, number> }>;
  resetCalls(): Promise<void>;
  stop(): Promise<void>;
}

/** The pair's own secrets: a production subgraph refuses the public development defaults. */
export const CRM_PAIR_API_KEY = 'crm-pair-test-key';
export const CRM_PAIR_WEBHOOK_SECRET = 'crm-pair-test-webhook-secret';

/** `subgraphEnv` adds to the subgraph's environment; the entity cache is off unless it says `ENTITY_CACHE: 'on'`. */
export async function startCrmPair(crmEnv: Record<string, string> = {}, subgraphEnv: Record<string, string> = {}): Promise<CrmPair> {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-subgraph-'));
  const started: ServiceProcess[] = [];
  const stop = async () => {
    for (const service of started.reverse()) await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const secrets = { CRM_API_KEY: CRM_PAIR_API_KEY, CRM_WEBHOOK_SECRET: CRM_PAIR_WEBHOOK_SECRET };
    const crm = await startService({ name: 'crm-system', entry: 'systems/crm/main.ts', env: { PORT: '0', BIZGRAPH_DATA_DIR: dataDir, ...secrets, ...crmEnv } });
    started.push(crm);
    const subgraph = await startService({
      name: 'crm-subgraph',
      entry: 'subgraphs/crm/main.ts',
      // Production mode: clients see exactly these errors, without development stack traces.
      env: {
        PORT: '0',
        BIZGRAPH_DATA_DIR: dataDir,
        NODE_ENV: 'production',
        // Production names the gateway's published keys explicitly; the harness signs with the data dir's.
        GATEWAY_JWKS_URL: keyFiles(dataDir, 'gateway-internal').jwksFile,
        ...secrets,
        CRM_API_URL: crm.url,
        ENTITY_CACHE: 'off',
        ...subgraphEnv,
      },
    });
    started.push(subgraph);
    return {
      crm,
      subgraph,
      query: async (query, variables, principal = HARNESS_PRINCIPAL) => graphql(subgraph.url, query, variables, await internalAuthorization(dataDir, 'crm', principal)),
      calls: async () => (await http('GET', `${crm.url}/_stats`)).body,
      resetCalls: async () => void (await http('POST', `${crm.url}/_stats/reset`)),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A seeded customer as `Customer` answers it (all fields, version of an untouched record). */
export function customerJson(customer: SeedCustomer) {
  const { id, name, email, phone, segment, country, accountManager, createdAt } = customer;
  return { id, name, email, phone, segment, country, accountManager, createdAt, version: '"1"' };
}

export const CUSTOMER_FIELDS = 'id name email phone segment country accountManager createdAt version';
