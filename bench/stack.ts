import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDevIssuer } from '../gateway/src/auth/dev-issuer.js';
import { keyFiles, loadOrCreateSigningKey } from '../gateway/src/auth/key-files.js';
import { startService, type ServiceProcess, type StartOptions } from '../scripts/lib/processes.js';
import type { GatewayId, ObservabilityVariantId } from './types.js';
import { OBSERVABILITY_VARIANTS } from './variants.js';

/**
 * The processes the benchmark measures, modelled on test/helpers/stack.ts: the REST stand-ins
 * (CRM, support, logistics); one set of subgraphs per cache state (each set with its own embedded
 * databases, so each PGlite has a process of its own); the requested gateways. Every process
 * listens on a free port and is stopped by `stop()`, and exits by itself if the benchmark dies
 * (startService).
 *
 * No workload reads logistics, but the supergraph has it: without it, each bizgraph gateway would
 * probe a refused port every two seconds and serve with one subgraph reported down, which no
 * deployment does. It runs beside each set, outside SUBGRAPH_NAMES (whose calls are counted, and
 * replayed in `--replayed`, where the gateways reach it directly).
 */
export type SubgraphName = 'crm' | 'erp' | 'billing' | 'support';
export const SUBGRAPH_NAMES: readonly SubgraphName[] = ['crm', 'erp', 'billing', 'support'];
export type CacheState = 'off' | 'on';

export interface BenchStack {
  dataDir: string;
  systems: { crm: ServiceProcess; support: ServiceProcess };
  subgraphs: Partial<Record<CacheState, Record<SubgraphName, ServiceProcess>>>;
  /** With `replayed`: the replaying front of each cache-off subgraph (bench/replay-subgraph.ts), which the gateways call instead. */
  replays?: Record<SubgraphName, ServiceProcess>;
  gateways: Partial<Record<GatewayId, ServiceProcess>>;
  /** The OTLP sink of each started gateway that exports spans, one each so every export is counted against its gateway. */
  spanSinks: Partial<Record<ObservabilityVariantId, ServiceProcess>>;
  /** Each gateway's start-up: spawn to its `listening` line, started alone (the subgraphs already up). */
  startupMs: Partial<Record<GatewayId, number>>;
  /** Every process started, for pinning. */
  all(): ServiceProcess[];
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  gateways: readonly GatewayId[];
  /** SEED, SEED_SCALE, rate limits, NODE_ENV: given to every process (the gateways then run in production). */
  env: Record<string, string>;
  /** Node options for the gateways only (the benchmark's `--cpu-prof`). */
  gatewayNodeOptions?: string[];
  /** Node options for the bizgraph gateways only (`--bizgraph-node-options`). */
  bizgraphNodeOptions?: string[];
  onProgress?(message: string): void;
  /** Put a replaying front before each cache-off subgraph and point the gateways at it (the gateway-bound benchmark). */
  replayed?: boolean;
}

/** Which subgraph set each gateway calls: the baseline and the observability variants share bizgraph's cache-off set. */
export const GATEWAY_SUBGRAPHS: Record<GatewayId, CacheState> = {
  bizgraph: 'off',
  'bizgraph-apollo': 'off',
  plain: 'off',
  'bizgraph-warm': 'on',
  floor: 'off',
  ...(Object.fromEntries(OBSERVABILITY_VARIANTS.map((variant) => [variant.id, 'off'])) as Record<ObservabilityVariantId, CacheState>),
};

const BIZGRAPH_ENV = { RESPONSE_CACHE: 'off', GATEWAY_EXECUTOR: 'bizgraph' };

interface GatewayEntry {
  entry: string;
  env: Record<string, string>;
  /** Gets an OTLP sink of its own, as OTEL_EXPORTER_OTLP_ENDPOINT. */
  exportsSpans?: boolean;
}

const GATEWAY_ENTRIES: Record<GatewayId, GatewayEntry> = {
  bizgraph: { entry: 'gateway/src/main.ts', env: BIZGRAPH_ENV },
  'bizgraph-apollo': { entry: 'gateway/src/main.ts', env: { RESPONSE_CACHE: 'off', GATEWAY_EXECUTOR: 'apollo' } },
  'bizgraph-warm': { entry: 'gateway/src/main.ts', env: { RESPONSE_CACHE: 'on' } },
  plain: { entry: 'bench/plain-gateway.ts', env: {} },
  // Calls no subgraph: its upstream counters stay at zero, which the table shows.
  floor: { entry: 'bench/raw-floor.ts', env: {} },
  ...(Object.fromEntries(
    OBSERVABILITY_VARIANTS.map((variant): [ObservabilityVariantId, GatewayEntry] => [
      variant.id,
      { entry: 'gateway/src/main.ts', env: { ...BIZGRAPH_ENV, ...variant.env }, exportsSpans: variant.exportsSpans },
    ]),
  ) as Record<ObservabilityVariantId, GatewayEntry>),
};

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-bench-'));
  const started: ServiceProcess[] = [];
  const progress = options.onProgress ?? (() => undefined);
  const track = async (promise: Promise<ServiceProcess>) => {
    const service = await promise;
    started.push(service);
    progress(`${service.name} listening at ${service.url} (pid ${service.child.pid})`);
    return service;
  };
  const stop = async () => {
    await Promise.all(started.map((service) => service.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  };
  // The gateways' internal-token key, made before any process starts: both bizgraph gateways and the
  // plain one sign with it, and both subgraph sets (on their own data dirs) verify with it.
  const internalKey = keyFiles(dataDir, 'gateway-internal');
  await loadOrCreateSigningKey(internalKey, 'EdDSA');
  // The callers' issuer: the gateways (in production) read its JWKS file at start; the bench's token is signed with it.
  await loadDevIssuer(dataDir);
  const env: Record<string, string> = { ...options.env, PORT: '0', BIZGRAPH_DATA_DIR: dataDir, GATEWAY_JWKS_URL: internalKey.jwksFile };
  try {
    const [crm, support, logisticsSystem] = await Promise.all([
      track(startService({ name: 'crm-system', entry: 'systems/crm/main.ts', env })),
      track(startService({ name: 'support-system', entry: 'systems/support/main.ts', env })),
      track(startService({ name: 'logistics-system', entry: 'systems/logistics/main.ts', env })),
    ]);
    const states = [...new Set(options.gateways.map((id) => GATEWAY_SUBGRAPHS[id]))];
    const subgraphs: BenchStack['subgraphs'] = {};
    // The logistics subgraph of each cache state's set (called by no workload; see above).
    const logistics: Partial<Record<CacheState, ServiceProcess>> = {};
    for (const state of states) {
      const setEnv = {
        ...env,
        BIZGRAPH_DATA_DIR: join(dataDir, `subgraphs-cache-${state}`),
        ENTITY_CACHE: state,
        CRM_API_URL: crm.url,
        SUPPORT_API_URL: support.url,
        LOGISTICS_API_URL: logisticsSystem.url,
      };
      const [list, logisticsSubgraph] = await Promise.all([
        Promise.all(SUBGRAPH_NAMES.map((name) => track(startService({ name: `${name}-cache-${state}`, entry: `subgraphs/${name}/main.ts`, env: setEnv })))),
        track(startService({ name: `logistics-cache-${state}`, entry: 'subgraphs/logistics/main.ts', env: setEnv })),
      ]);
      subgraphs[state] = Object.fromEntries(SUBGRAPH_NAMES.map((name, i) => [name, list[i]!])) as Record<SubgraphName, ServiceProcess>;
      logistics[state] = logisticsSubgraph;
    }
    let replays: BenchStack['replays'];
    if (options.replayed && subgraphs.off) {
      const off = subgraphs.off;
      const list = await Promise.all(
        SUBGRAPH_NAMES.map((name) => track(startService({ name: `${name}-replay`, entry: 'bench/replay-subgraph.ts', env: { ...env, REPLAY_UPSTREAM: off[name].url } }))),
      );
      replays = Object.fromEntries(SUBGRAPH_NAMES.map((name, i) => [name, list[i]!])) as Record<SubgraphName, ServiceProcess>;
    }
    const gateways: BenchStack['gateways'] = {};
    const spanSinks: BenchStack['spanSinks'] = {};
    const startupMs: BenchStack['startupMs'] = {};
    for (const id of options.gateways) {
      const set = GATEWAY_SUBGRAPHS[id] === 'off' && replays ? replays : subgraphs[GATEWAY_SUBGRAPHS[id]]!;
      const urls = {
        ...Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`SUBGRAPH_${name.toUpperCase()}_URL`, `${set[name].url}/graphql`])),
        SUBGRAPH_LOGISTICS_URL: `${logistics[GATEWAY_SUBGRAPHS[id]]!.url}/graphql`,
      };
      const { entry, env: own, exportsSpans } = GATEWAY_ENTRIES[id];
      // Production, as deployed: a JWKS for callers' tokens (the dev issuer's, which signs the bench's token) and the audit trail in a file.
      const production = {
        NODE_ENV: 'production',
        JWT_JWKS_URL: keyFiles(dataDir, 'dev-issuer').jwksFile,
        GATEWAY_SIGNING_KEY_FILE: internalKey.privateFile,
        AUDIT_LOG: join(dataDir, `audit-${id}.log`),
      };
      let exporting: Record<string, string> = {};
      if (exportsSpans) {
        const sink = await track(startService({ name: `otlp-sink-${id}`, entry: 'bench/otlp-sink.ts', env }));
        spanSinks[id as ObservabilityVariantId] = sink;
        exporting = { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url };
      }
      const start: StartOptions = {
        name: `gateway-${id}`,
        entry,
        env: { ...env, ...urls, ...production, ...own, ...exporting },
        nodeOptions: [...(options.gatewayNodeOptions ?? []), ...(id === 'plain' || id === 'floor' ? [] : (options.bizgraphNodeOptions ?? []))],
      };
      const spawned = performance.now();
      gateways[id] = await track(startService(start));
      startupMs[id] = Math.round(performance.now() - spawned);
    }
    return { dataDir, systems: { crm, support }, subgraphs, ...(replays ? { replays } : {}), gateways, spanSinks, startupMs, all: () => [...started], stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
