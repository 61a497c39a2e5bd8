import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../common/project-root.js';
import { issueDevToken } from '../gateway/src/auth/dev-token.js';
import { buildProject } from '../scripts/lib/build.js';
import { DEFAULT_SEED } from '../systems/seed/generate.js';
import { readSpanExports, readUpstreamCounts } from './counters.js';
import type { Target } from './measure.js';
import { createPinning } from './proc.js';
import { GATEWAY_SUBGRAPHS, startBenchStack, type BenchStack } from './stack.js';
import type { GatewayId } from './types.js';

/** What both modes share: fixed settings for every process, start-up, the caller's token, pinning, clean exit. */

export const SEED = { seed: DEFAULT_SEED, scale: 1 };
/** The CRM stand-in's default 1,000 calls/s would answer 429 under load: the bench measures gateways, not the limiter. */
export const CRM_RATE_LIMIT_PER_SECOND = 1_000_000;
/** The gateways run as in production (no source-mapped stacks, masked errors); the subgraphs and stand-ins in development, for their /debug/counters. */
export const NODE_ENV = { gateways: 'production', others: 'development' } as const;
export const GATEWAY_CORE = 0;
export const OTHERS_CORE = 1;

/** Fixed for every process, whatever the caller's shell holds: same data, no added latency, in-memory caches. */
export const BASE_ENV: Record<string, string> = {
  SEED: String(SEED.seed),
  SEED_SCALE: String(SEED.scale),
  NODE_ENV: NODE_ENV.others,
  CRM_RATE_LIMIT_PER_SECOND: String(CRM_RATE_LIMIT_PER_SECOND),
  CRM_LATENCY_MS: '0',
  SUPPORT_LATENCY_MS: '0',
  REDIS_URL: '',
  // Production defaults for what the observability variants switch (blank reads as unset): a shell's
  // LOG_LEVEL=warn would also hide the `listening` lines the start waits for.
  LOG_LEVEL: '',
  REQUEST_LOG: '',
  METRICS: '',
  GATEWAY_HEAP_GROWTH_PERCENT: '',
  USAGE_LOG: '',
  OTEL_EXPORTER_OTLP_ENDPOINT: '',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
  OTEL_TRACES_SAMPLER: '',
  OTEL_TRACES_SAMPLER_ARG: '',
};

export function log(message: string): void {
  console.log(`[bench] ${message}`);
}

export interface Session {
  /** When the benchmark began, before start-up (ISO). */
  startedAt: string;
  stack: BenchStack;
  /** A dev-issuer admin JWT (what `npm run -s token -- --preset admin` prints for this data dir). */
  token: string;
  pinning: ReturnType<typeof createPinning>;
  target(id: GatewayId): Target;
}

/**
 * Starts the processes on every core (seeding two sets of databases on one core would take
 * minutes), then pins the benchmark and every child to the "others" core; `measureOn` moves one
 * gateway to its own core for the length of its runs.
 */
export async function startSession(gateways: readonly GatewayId[], nodeOptions: { cpuProfDir?: string; bizgraph?: string[]; replayed?: boolean } = {}): Promise<Session> {
  const { cpuProfDir } = nodeOptions;
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  // Every process, the baseline included, runs compiled JavaScript as in production (no tsx).
  const build = await buildProject(join(PROJECT_ROOT, '.data', 'bench-build'), {
    extraDirs: ['bench'],
    extraServices: ['bench/plain-gateway.ts', 'bench/raw-floor.ts', 'bench/otlp-sink.ts', 'bench/replay-subgraph.ts'],
  });
  log(`built ${build.modules} modules into ${build.outDir} in ${build.ms} ms`);
  log(`starting stand-ins, subgraphs and ${gateways.join(', ')} (seed ${SEED.seed}, scale ${SEED.scale})…`);
  const stack = await startBenchStack({
    gateways,
    env: { ...BASE_ENV, BIZGRAPH_BUILD_DIR: build.outDir },
    // One profile per gateway, written when it stops (node names the file after the pid).
    gatewayNodeOptions: cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', resolve(cpuProfDir)] : undefined,
    bizgraphNodeOptions: nodeOptions.bizgraph,
    replayed: nodeOptions.replayed,
    onProgress: log,
  });
  if (nodeOptions.bizgraph) log(`bizgraph gateways run with ${nodeOptions.bizgraph.join(' ')}`);
  if (cpuProfDir) log(`gateway CPU profiles go to ${resolve(cpuProfDir)} (gateway pids above)`);
  stopOnSignals(stack);
  log(`started in ${((Date.now() - started) / 1000).toFixed(0)} s; data dir ${stack.dataDir}`);
  const pinning = createPinning();
  pinning.pin(process.pid, OTHERS_CORE, 'bench');
  for (const service of stack.all()) pinning.pin(service.child.pid!, OTHERS_CORE, service.name);
  const token = await issueDevToken(stack.dataDir, { preset: 'admin' }, () => undefined);
  return {
    startedAt,
    stack,
    token,
    pinning,
    target(id) {
      const gateway = stack.gateways[id]!;
      const subgraphs = stack.subgraphs[GATEWAY_SUBGRAPHS[id]]!;
      const sink = stack.spanSinks[id as keyof BenchStack['spanSinks']];
      return {
        gateway: id,
        url: `${gateway.url}/graphql`,
        pid: gateway.child.pid!,
        readCounts: () => readUpstreamCounts(stack.systems, subgraphs),
        ...(sink ? { readSpanExports: () => readSpanExports(sink) } : {}),
      };
    },
  };
}

/** Runs `body` with gateway `id` alone on the gateway core, then moves it back. */
export async function measureOn<T>(session: Session, id: GatewayId, body: () => Promise<T>): Promise<T> {
  const { pid } = session.target(id);
  session.pinning.pin(pid, GATEWAY_CORE, `gateway-${id}`);
  try {
    return await body();
  } finally {
    session.pinning.pin(pid, OTHERS_CORE, `gateway-${id}`);
  }
}

/** Ctrl-C (or a kill) stops every child before exiting; children also exit when our stdin pipe closes. */
function stopOnSignals(stack: BenchStack): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping every process…`);
    void stack.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
