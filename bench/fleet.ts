import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../common/project-root.js';
import { issueDevToken } from '../gateway/src/auth/dev-token.js';
import { buildProject } from '../scripts/lib/build.js';
import { ensureFleetDatabases, startFleet, type Fleet } from '../scripts/lib/fleet.js';
import { freePort } from '../scripts/lib/processes.js';
import { readTopology } from '../scripts/lib/topology.js';
import type { BenchArgs } from './args.js';
import { FLEET_MARKERS, perCoreReqPerSec, renderFleetBlock, type FleetResults, type FleetRun } from './fleet-table.js';
import { load, verify, type LoadSettings } from './measure.js';
import { readCpuMs, readMachineTicks } from './proc.js';
import { describeCommit, describeMachine, fileStamp, writeJson, writeReadmeBlock } from './results.js';
import { BASE_ENV, log, SEED } from './setup.js';
import { WORKLOADS, type Workload } from './workloads.js';

/**
 * `npm run bench -- --fleet`: the fleet of `npm run fleet` (production mode, subgraphs on
 * PostgreSQL, caches and APQ on Redis, HAProxy in front), measured through HAProxy with one
 * gateway in rotation and then two, on every core of the machine: how far a second replica
 * carries the gateway. Twice: with the response cache off (the subgraphs and systems do most of
 * the work) and on (answers shared through Redis, so the gateways do most of it). After each, a
 * rolling restart, whose replacement gateways give the cold start from the build.
 */
const DEFAULT_WORKLOADS = ['a', 'b'];
/** Time for the requests autocannon abandons at the end of a run to finish before CPU is read. */
const SETTLE_MS = 1500;

export async function runFleetBench(args: BenchArgs): Promise<number> {
  const startedAt = new Date().toISOString();
  const workloads = WORKLOADS.filter((workload) => (args.workloads ?? DEFAULT_WORKLOADS).includes(workload.id));
  const build = await buildProject(join(PROJECT_ROOT, '.data', 'bench-build'));
  process.env.BIZGRAPH_BUILD_DIR = build.outDir;
  log(`built ${build.modules} modules into ${build.outDir} in ${build.ms} ms`);
  const adminUrl = process.env.FLEET_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const databases = await ensureFleetDatabases(adminUrl, 'bizgraph_fleetbench', true);
  const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-fleet-bench-'));
  const processes: Record<string, number> = {};
  for (const { name, system } of readTopology()) {
    processes[name] = await freePort();
    if (system) processes[system.name] = await freePort();
  }
  // The comparison's fixed data and settings; the fleet itself sets production mode and Redis.
  const { NODE_ENV: _mode, REDIS_URL: _redis, ...env } = BASE_ENV;
  const runs: FleetRun[] = [];
  const coldStartMs: number[] = [];
  try {
    for (const responseCache of ['off', 'on'] as const) {
      log(`starting a fleet with RESPONSE_CACHE=${responseCache}: stand-ins, subgraphs on PostgreSQL and Redis, two gateways, HAProxy…`);
      const fleet = await startFleet({
        gateways: 2,
        dataDir,
        databases,
        redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
        ports: { balancer: await freePort(), gateways: [await freePort(), await freePort()], processes },
        env: { ...env, RESPONSE_CACHE: responseCache },
        say: (name, message) => log(`${name}: ${message}`),
      });
      try {
        const token = await issueDevToken(dataDir, { preset: 'admin' }, () => undefined);
        for (const workload of workloads) {
          for (const replicas of [1, 2]) {
            await inRotation(fleet, replicas);
            log(
              `${workload.label} · response cache ${responseCache} · ${replicas} gateway replica(s) behind HAProxy: check, ${args.warmupSeconds} s warm-up, ${args.durationSeconds} s measured…`,
            );
            const run = await measureFleet(fleet, replicas, workload, token, args);
            runs.push({ ...run, responseCache });
            log(run.ok ? summary(run) : `  NOT MEASURED: ${run.failure}`);
          }
        }
        log('rolling restart: each gateway replaced, its cold start timed…');
        await fleet.rollingRestart();
        coldStartMs.push(...fleet.gatewayNames.map((name) => Math.round(fleet.gateway(name).startedInMs)));
      } finally {
        await fleet.stop();
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const results: FleetResults = {
    format: 'bizgraph-fleet-bench/1',
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: describeMachine(),
    commit: describeCommit(),
    seed: SEED,
    settings: { connections: args.connections, warmupSeconds: args.warmupSeconds, durationSeconds: args.durationSeconds },
    workloads: workloads.map(({ id, label, query }) => ({ id, label, query: query.replace(/\s+/g, ' ') })),
    runs,
    coldStartMs,
  };
  const failed = runs.filter((run) => !run.ok).length;
  console.log(`\n${renderFleetBlock(results)}\n`);
  log(`wrote ${writeJson(`fleet-${fileStamp(startedAt)}.json`, results)}`);
  if (args.custom || failed > 0 || coldStartMs.length === 0) {
    log(
      `fleet-latest.json and the README were left alone: ${failed ? `${failed} run(s) failed` : args.custom ? 'durations or the selection were overridden' : 'no cold start measured'}`,
    );
  } else {
    log(`wrote ${writeJson('fleet-latest.json', results)}`);
    log(`README.md ${writeReadmeBlock(renderFleetBlock(results), FLEET_MARKERS)}`);
  }
  return failed > 0 ? 1 : 0;
}

/** Puts the first `replicas` gateways in rotation and the others in `maint`, and waits until HAProxy says so. */
async function inRotation(fleet: Fleet, replicas: number): Promise<void> {
  const wanted = (index: number) => (index < replicas ? 'UP' : 'MAINT');
  for (const [index, name] of fleet.gatewayNames.entries()) await fleet.balancer.setServerState(name, index < replicas ? 'ready' : 'maint');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const states = await fleet.balancer.states();
    if (fleet.gatewayNames.every((name, index) => states[name] === wanted(index))) return;
    if (Date.now() > deadline) throw new Error(`HAProxy does not show ${replicas} gateway(s) in rotation: ${JSON.stringify(states)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function measureFleet(fleet: Fleet, replicas: number, workload: Workload, token: string, settings: LoadSettings): Promise<Omit<FleetRun, 'responseCache'>> {
  const target = { url: `${fleet.url}/graphql` };
  const failure = await verify(target, workload, token);
  if (failure) return failedRun(workload, replicas, failure);
  if (settings.warmupSeconds > 0) await load(target, workload, token, settings, settings.warmupSeconds).result;
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const gatewayPids = fleet.gatewayNames.slice(0, replicas).map((name) => fleet.gateway(name).child.pid!);
  const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + (readCpuMs(pid) ?? Number.NaN), 0);
  const gatewayBefore = cpuOf(gatewayPids);
  const balancerBefore = cpuOf([fleet.balancer.child.pid!]);
  const machineBefore = readMachineTicks();
  const result = await load(target, workload, token, settings, settings.durationSeconds).result;
  const machineAfter = readMachineTicks();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const sent = Math.max(result.requests.sent, result.requests.total);
  if (result.requests.total === 0) return failedRun(workload, replicas, `no request completed within ${settings.durationSeconds} s`);
  const perRequest = (ms: number) => (Number.isFinite(ms) && sent > 0 ? ms / sent : null);
  return {
    workload: workload.id,
    replicas,
    ok: true,
    requests: result.requests.total,
    seconds: result.duration,
    reqPerSec: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    gatewayCpuMsPerRequest: perRequest(cpuOf(gatewayPids) - gatewayBefore),
    balancerCpuMsPerRequest: perRequest(cpuOf([fleet.balancer.child.pid!]) - balancerBefore),
    machineBusyPercent: (100 * (machineAfter.busy - machineBefore.busy)) / Math.max(1, machineAfter.total - machineBefore.total),
    errors: { non2xx: result.non2xx, graphqlErrors: result.mismatches, transport: result.errors },
  };
}

function failedRun(workload: Workload, replicas: number, failure: string): Omit<FleetRun, 'responseCache'> {
  return {
    workload: workload.id,
    replicas,
    ok: false,
    failure,
    requests: 0,
    seconds: 0,
    reqPerSec: 0,
    p50Ms: 0,
    p99Ms: 0,
    gatewayCpuMsPerRequest: null,
    balancerCpuMsPerRequest: null,
    machineBusyPercent: null,
    errors: { non2xx: 0, graphqlErrors: 0, transport: 0 },
  };
}

function summary(run: Omit<FleetRun, 'responseCache'>): string {
  return (
    `  ${run.reqPerSec.toFixed(0)} req/s · p50 ${run.p50Ms.toFixed(1)} ms · p99 ${run.p99Ms.toFixed(1)} ms · gateway CPU ${run.gatewayCpuMsPerRequest?.toFixed(2) ?? '?'} ms/req ` +
    `(one core serves ${perCoreReqPerSec(run)?.toFixed(0) ?? '?'} req/s) · HAProxy ${run.balancerCpuMsPerRequest?.toFixed(3) ?? '?'} ms/req · machine ${run.machineBusyPercent?.toFixed(0) ?? '?'} % busy · errors ${run.errors.non2xx + run.errors.graphqlErrors + run.errors.transport}`
  );
}
