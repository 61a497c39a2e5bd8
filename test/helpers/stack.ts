import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type ServiceProcess } from '../../scripts/lib/processes.js';
import { readTopology } from '../../scripts/lib/topology.js';
import type { Principal } from '../../subgraphs/shared/context.js';
import { graphql, type GraphQLResponse } from './graphql.js';
import { copySeededData } from './seeded-data.js';
import { devToken, HARNESS_PRINCIPAL, internalAuthorization, type DevTokenOptions } from './tokens.js';

/**
 * The subgraphs of `schema/supergraph.yaml`, each with its system stand-in when `systems/<name>/`
 * has one: a subgraph added by `npm run new:subgraph` joins every stack with no edit here. The
 * type names the subgraphs tests address directly; at run time the list is whatever the file says.
 */
export type SubgraphName = 'crm' | 'erp' | 'billing' | 'support' | 'logistics';
const TOPOLOGY = readTopology();
export const SUBGRAPH_NAMES = TOPOLOGY.map((subgraph) => subgraph.name) as readonly SubgraphName[];
/** Subgraphs whose business system runs as a stand-in process (`systems/<name>/main.ts`). */
export type SystemName = 'crm' | 'support' | 'logistics';

export interface StackOptions {
  /** Extra environment for every process (e.g. CRM_LATENCY_MS, SEED_SCALE). */
  env?: Record<string, string>;
  /** PostgreSQL server URLs; unset → PGlite under the stack's data dir. */
  erpDatabaseUrl?: string;
  billingDatabaseUrl?: string;
  /** Reuse a data dir (restart tests); default a fresh temp dir removed on stop. */
  dataDir?: string;
  /** Extra environment for the gateway only (e.g. a fixed PORT the subgraphs' GATEWAY_JWKS_URL names). */
  gatewayEnv?: Record<string, string>;
  /** Extra environment for one subgraph only (e.g. `{ erp: { EVENTS_FAILPOINT: '…' } }`). */
  subgraphEnv?: Partial<Record<SubgraphName, Record<string, string>>>;
  /** Skip the gateway (subgraph-only tests). */
  withoutGateway?: boolean;
  /** A dev-issuer user token every `stack.query` carries, e.g. `{ preset: 'admin' }`; unset → anonymous. */
  token?: DevTokenOptions;
}

export interface Stack {
  dataDir: string;
  env: Record<string, string>;
  /** The stand-ins started (those whose `<NAME>_API_URL` the stack's env does not set), by subgraph name. */
  systems: Record<SystemName, ServiceProcess> & Record<string, ServiceProcess>;
  subgraphs: Record<SubgraphName, ServiceProcess>;
  gateway?: ServiceProcess;
  gatewayUrl: string;
  /** POSTs an operation to the gateway, with the stack's `token` (if any) and any extra headers. */
  query<D = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<D>>;
  /** Calls one subgraph directly with the gateway's internal token for `principal` (default: every scope; null: anonymous). */
  subgraphQuery<D = Record<string, any>>(name: SubgraphName, query: string, variables?: Record<string, unknown>, principal?: Principal | null): Promise<GraphQLResponse<D>>;
  /** Starts one subgraph again (after a kill) with the same settings, on a new port unless `port` is given; `env` overrides some. */
  restartSubgraph(name: SubgraphName, port?: number, env?: Record<string, string>): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/** Data dir of every running stack's gateway, by base URL: `graphqlAs` signs with the right dev issuer. */
const gatewayDataDirs = new Map<string, string>();

/** Lets `graphqlAs` sign for a gateway this module did not start (a shared stack's, see ./shared-stack.ts). */
export function registerGateway(baseUrl: string, dataDir: string): void {
  gatewayDataDirs.set(baseUrl, dataDir);
}

/**
 * A drop-in for `graphql()` from ./graphql.js that calls any gateway started by `startStack` with a
 * dev-issuer token (other URLs get no token). Once the schema declares policies, a gateway test
 * switches with one line: `import { graphqlAsAdmin as graphql } from './helpers/stack.js';`.
 */
export function graphqlAs(token: DevTokenOptions) {
  const tokens = new Map<string, Promise<string>>();
  return async <D = Record<string, any>>(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse<D>> => {
    const dataDir = [...gatewayDataDirs].find(([base]) => url === base || url.startsWith(`${base}/`))?.[1];
    if (dataDir === undefined) return graphql<D>(url, query, variables, headers);
    if (!tokens.has(dataDir)) tokens.set(dataDir, devToken(dataDir, token));
    return graphql<D>(url, query, variables, { authorization: `Bearer ${await tokens.get(dataDir)}`, ...headers });
  };
}

/** `graphql()` as the `admin` preset: every scope. */
export const graphqlAsAdmin = graphqlAs({ preset: 'admin' });

export const SUBGRAPH_ENTRIES = Object.fromEntries(TOPOLOGY.map((subgraph) => [subgraph.name, subgraph.entry])) as Record<SubgraphName, string>;

/**
 * The whole stack as separate processes on free ports: stand-ins, every subgraph, gateway.
 * Every hop is real HTTP; every process is stopped (and the temp data dir removed) by `stop()`.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const ownsDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'bizgraph-test-'));
  // Entity caches off unless a test turns them on: upstream-call counts stay deterministic.
  const env: Record<string, string> = { PORT: '0', BIZGRAPH_DATA_DIR: dataDir, NODE_ENV: 'test', ENTITY_CACHE: 'off', ...options.env };
  const started: ServiceProcess[] = [];
  const track = async (promise: Promise<ServiceProcess>) => {
    const service = await promise;
    started.push(service);
    return service;
  };
  const stopAll = async () => {
    for (const [base, dir] of gatewayDataDirs) if (dir === dataDir) gatewayDataDirs.delete(base);
    await Promise.all(started.map((service) => service.stop()));
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    // A fresh stack on the default data set starts from the run's seeded copy (./seeded-data.ts).
    const defaultData = ownsDataDir && !options.erpDatabaseUrl && !options.billingDatabaseUrl && env.SEED === undefined && env.SEED_SCALE === undefined;
    if (defaultData) await copySeededData(dataDir);
    // A stand-in starts unless the stack's env points its subgraph at a system already.
    const standIns = TOPOLOGY.flatMap(({ name, system }) => (system && !env[system.apiUrlVariable] ? [{ name, system }] : []));
    const standInStarts = new Map(standIns.map(({ name, system }) => [name, track(startService({ name: system.name, entry: system.entry, env }))]));
    const subgraphEnv: Record<string, Record<string, string>> = Object.fromEntries(TOPOLOGY.map(({ name }) => [name, { ...env, ...options.subgraphEnv?.[name as SubgraphName] }]));
    if (options.erpDatabaseUrl) subgraphEnv.erp = { ...subgraphEnv.erp, ERP_DATABASE_URL: options.erpDatabaseUrl };
    if (options.billingDatabaseUrl) subgraphEnv.billing = { ...subgraphEnv.billing, BILLING_DATABASE_URL: options.billingDatabaseUrl };
    const startSubgraph = (name: SubgraphName, port?: number, extra: Record<string, string> = {}) =>
      track(startService({ name, entry: SUBGRAPH_ENTRIES[name], env: { ...subgraphEnv[name], ...(port ? { PORT: String(port) } : {}), ...extra } }));
    // A subgraph starts as soon as what it needs is known: one with a stand-in once the stand-in
    // listens (its URL goes into the subgraph's env), the others (the PGlite ones, the slowest) at once.
    const list = await Promise.all(
      TOPOLOGY.map(async ({ name, system }) => {
        const standIn = standInStarts.get(name);
        if (system && standIn) subgraphEnv[name] = { ...subgraphEnv[name], [system.apiUrlVariable]: (await standIn).url };
        return startSubgraph(name as SubgraphName);
      }),
    );
    const systems = Object.fromEntries(await Promise.all([...standInStarts].map(async ([name, start]) => [name, await start]))) as Stack['systems'];
    const subgraphs = Object.fromEntries(SUBGRAPH_NAMES.map((name, i) => [name, list[i]!])) as Record<SubgraphName, ServiceProcess>;
    let gateway: ServiceProcess | undefined;
    if (!options.withoutGateway) {
      const urls = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`SUBGRAPH_${name.toUpperCase()}_URL`, `${subgraphs[name].url}/graphql`]));
      gateway = await track(startService({ name: 'gateway', entry: 'gateway/src/main.ts', env: { ...env, ...urls, ...options.gatewayEnv } }));
    }
    const gatewayUrl = gateway ? `${gateway.url}/graphql` : '';
    if (gateway) gatewayDataDirs.set(gateway.url, dataDir);
    const authorization: Record<string, string> = options.token ? { authorization: `Bearer ${await devToken(dataDir, options.token)}` } : {};
    return {
      dataDir,
      env,
      systems,
      subgraphs,
      gateway,
      gatewayUrl,
      query: (query, variables, headers = {}) => graphql(gatewayUrl, query, variables, { ...authorization, ...headers }),
      subgraphQuery: async (name, query, variables, principal = HARNESS_PRINCIPAL) =>
        graphql(`${subgraphs[name].url}/graphql`, query, variables, await internalAuthorization(dataDir, name, principal)),
      async restartSubgraph(name, port, extra) {
        const service = await startSubgraph(name, port, extra);
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
