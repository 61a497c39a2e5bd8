import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type ServiceProcess } from '../../scripts/lib/processes.js';

export type SubgraphName = 'crm' | 'erp' | 'billing' | 'support';
export const SUBGRAPH_NAMES: readonly SubgraphName[] = ['crm', 'erp', 'billing', 'support'];

export interface StackOptions {
  /** Extra environment for every process (e.g. CRM_LATENCY_MS, SEED_SCALE). */
  env?: Record<string, string>;
  /** PostgreSQL server URLs; unset → PGlite under the stack's data dir. */
  erpDatabaseUrl?: string;
  billingDatabaseUrl?: string;
  /** Reuse a data dir (restart tests); default a fresh temp dir removed on stop. */
  dataDir?: string;
  /** Skip the gateway (subgraph-only tests). */
  withoutGateway?: boolean;
}

export interface Stack {
  dataDir: string;
  env: Record<string, string>;
  systems: { crm: ServiceProcess; support: ServiceProcess };
  subgraphs: Record<SubgraphName, ServiceProcess>;
  gateway?: ServiceProcess;
  gatewayUrl: string;
  /** Starts one subgraph again (after a kill) with the same settings, on a new port unless `port` is given. */
  restartSubgraph(name: SubgraphName, port?: number): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

export const SUBGRAPH_ENTRIES: Record<SubgraphName, string> = {
  crm: 'subgraphs/crm/main.ts',
  erp: 'subgraphs/erp/main.ts',
  billing: 'subgraphs/billing/main.ts',
  support: 'subgraphs/support/main.ts',
};

/**
 * The whole stack as separate processes on free ports: stand-ins, four subgraphs, gateway.
 * Every hop is real HTTP; every process is stopped (and the temp data dir removed) by `stop()`.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const ownsDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'bizgraph-test-'));
  const env: Record<string, string> = { PORT: '0', BIZGRAPH_DATA_DIR: dataDir, NODE_ENV: 'test', ...options.env };
  const started: ServiceProcess[] = [];
  const track = async (promise: Promise<ServiceProcess>) => {
    const service = await promise;
    started.push(service);
    return service;
  };
  const stopAll = async () => {
    await Promise.all(started.map((service) => service.stop()));
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const [crmSystem, supportSystem] = await Promise.all([
      track(startService({ name: 'crm-system', entry: 'systems/crm/main.ts', env })),
      track(startService({ name: 'support-system', entry: 'systems/support/main.ts', env })),
    ]);
    const subgraphEnv: Record<SubgraphName, Record<string, string>> = {
      crm: { ...env, CRM_API_URL: crmSystem.url },
      support: { ...env, SUPPORT_API_URL: supportSystem.url },
      erp: { ...env, ...(options.erpDatabaseUrl ? { ERP_DATABASE_URL: options.erpDatabaseUrl } : {}) },
      billing: { ...env, ...(options.billingDatabaseUrl ? { BILLING_DATABASE_URL: options.billingDatabaseUrl } : {}) },
    };
    const startSubgraph = (name: SubgraphName, port?: number) =>
      track(startService({ name, entry: SUBGRAPH_ENTRIES[name], env: { ...subgraphEnv[name], ...(port ? { PORT: String(port) } : {}) } }));
    const list = await Promise.all(SUBGRAPH_NAMES.map((name) => startSubgraph(name)));
    const subgraphs = Object.fromEntries(SUBGRAPH_NAMES.map((name, i) => [name, list[i]!])) as Record<SubgraphName, ServiceProcess>;
    let gateway: ServiceProcess | undefined;
    if (!options.withoutGateway) {
      const urls = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`SUBGRAPH_${name.toUpperCase()}_URL`, `${subgraphs[name].url}/graphql`]));
      gateway = await track(startService({ name: 'gateway', entry: 'gateway/src/main.ts', env: { ...env, ...urls } }));
    }
    return {
      dataDir,
      env,
      systems: { crm: crmSystem, support: supportSystem },
      subgraphs,
      gateway,
      gatewayUrl: gateway ? `${gateway.url}/graphql` : '',
      async restartSubgraph(name, port) {
        const service = await startSubgraph(name, port);
        subgraphs[name] = service;
        return service;
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
