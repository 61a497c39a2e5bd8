import { parseBenchArgs, UsageError, type BenchArgs } from './args.js';
import { request } from 'undici';
import { measure, postGraphQL } from './measure.js';
import { renderReadmeTable } from './readme-table.js';
import { describeCommit, describeMachine, fileStamp, MARKERS_HINT, updateReadme, writeJson } from './results.js';
import { CRM_RATE_LIMIT_PER_SECOND, GATEWAY_CORE, log, measureOn, NODE_ENV, OTHERS_CORE, SEED, startSession, type Session } from './setup.js';
import { runEventsBench } from './events.js';
import { runFleetBench } from './fleet.js';
import { runSoak } from './soak.js';
import { compareWithPlain, observabilityCosts, warmSpeedup } from './stats.js';
import { formatErrors, GATEWAY_LABELS } from './table.js';
import type { BenchResults, GatewayId, GatewayInfo, RunFigures } from './types.js';
import { OBSERVABILITY_VARIANTS, variantSettings, workloadsFor } from './variants.js';
import { WORKLOADS, type Workload } from './workloads.js';

/**
 * `npm run bench`: starts the stand-ins, two subgraph sets, three gateways, the raw floor and
 * bizgraph's observability variants with fixed seed data, measures each alone on its own core on
 * workloads (a) to (d) (the variants on theirs, bench/variants.ts), prints the tables, and writes
 * bench/results/<timestamp>.json, latest.json and the README block.
 * `npm run bench -- --replayed`: plain, bizgraph and the floor the same way, each subgraph fetch answered
 * from memory after its first time (bench/replay-subgraph.ts), so the gateway's core sets the pace.
 * `npm run bench -- --soak [--minutes N]`: RSS of bizgraph under workload (b) over time (soak.ts).
 * `npm run bench -- --fleet`: one and two gateway replicas behind HAProxy (fleet.ts).
 * `npm run bench -- --events`: orders per second through the business flow of issue 17 (events.ts).
 */
const GATEWAYS: readonly GatewayInfo[] = [
  { id: 'plain', label: GATEWAY_LABELS.plain, entityCache: 'off', responseCache: 'none', warmed: false },
  { id: 'bizgraph-apollo', label: GATEWAY_LABELS['bizgraph-apollo'], entityCache: 'off', responseCache: 'off', warmed: false },
  { id: 'bizgraph', label: GATEWAY_LABELS.bizgraph, entityCache: 'off', responseCache: 'off', warmed: false },
  ...OBSERVABILITY_VARIANTS.map((variant): GatewayInfo => ({
    id: variant.id,
    label: GATEWAY_LABELS[variant.id],
    entityCache: 'off',
    responseCache: 'off',
    warmed: false,
    settings: variantSettings(variant),
  })),
  { id: 'bizgraph-warm', label: GATEWAY_LABELS['bizgraph-warm'], entityCache: 'on', responseCache: 'on', warmed: true },
  { id: 'floor', label: GATEWAY_LABELS.floor, entityCache: 'off', responseCache: 'none', warmed: false },
];

/**
 * The gateways and workloads of this run (`--gateways`, `--workloads`); the floor is primed by
 * bizgraph; a variant none of whose workloads is selected is not started.
 */
function selection(args: BenchArgs): { gateways: readonly GatewayInfo[]; started: GatewayId[]; workloads: readonly Workload[] } {
  const workloads = args.workloads ? WORKLOADS.filter((workload) => args.workloads!.includes(workload.id)) : WORKLOADS;
  const chosen = args.mode === 'replayed' ? REPLAYED_GATEWAYS : args.gateways;
  const gateways = GATEWAYS.filter((gateway) => (chosen?.includes(gateway.id) ?? true) && workloadsFor(gateway.id, workloads).length > 0);
  const started = gateways.map((gateway) => gateway.id);
  if (started.includes('floor') && !started.includes('bizgraph')) started.push('bizgraph');
  return { gateways, started, workloads };
}

/** With replayed subgraphs: the headline pair and the floor (the other rows are about bizgraph's own settings). */
const REPLAYED_GATEWAYS: readonly GatewayId[] = ['plain', 'bizgraph', 'floor'];

/** The headline pair: every ratio is bizgraph (caches off) ÷ plain. */
const PAIR: readonly GatewayId[] = ['plain', 'bizgraph'];

async function compare(args: BenchArgs, session: Session): Promise<number> {
  const startedAt = new Date().toISOString();
  const replayed = args.mode === 'replayed';
  // The gateway-bound comparison keeps files and a README block of its own.
  const prefix = replayed ? 'replayed-' : '';
  const runs: RunFigures[] = [];
  const { gateways, workloads } = selection(args);
  const one = async (gateway: GatewayInfo, workload: Workload, round?: number) => {
    if (gateway.id === 'floor') await primeFloor(session, workload);
    const which = round === undefined ? '' : ` (round ${round + 1} of ${args.rounds})`;
    log(`${gateway.label} · ${workload.label}${which}: check, ${args.warmupSeconds} s warm-up, ${args.durationSeconds} s measured…`);
    const run = await measure(session.target(gateway.id), workload, session.token, args);
    runs.push(round === undefined ? run : { ...run, round });
    log(run.ok ? summary(run) : `  NOT MEASURED: ${run.failure}`);
  };
  // The pair first, per workload in alternating rounds (plain first, then bizgraph first, …): the
  // machine's speed drifts over minutes, so the two runs of a ratio are measured back to back.
  const pair = gateways.filter((gateway) => PAIR.includes(gateway.id));
  const paired = pair.length === PAIR.length;
  if (paired) {
    for (const workload of workloads) {
      for (let round = 0; round < args.rounds; round++) {
        for (const gateway of round % 2 === 0 ? pair : [...pair].reverse()) await measureOn(session, gateway.id, () => one(gateway, workload, round));
      }
    }
  }
  for (const gateway of gateways) {
    if (paired && PAIR.includes(gateway.id)) continue;
    await measureOn(session, gateway.id, async () => {
      for (const workload of workloadsFor(gateway.id, workloads)) await one(gateway, workload);
    });
  }
  const results: BenchResults = {
    format: 'bizgraph-bench/1',
    startedAt: session.startedAt,
    finishedAt: new Date().toISOString(),
    machine: describeMachine(),
    commit: describeCommit(),
    seed: SEED,
    settings: {
      connections: args.connections,
      ...(args.ratePerSecond ? { ratePerSecond: args.ratePerSecond } : {}),
      warmupSeconds: args.warmupSeconds,
      durationSeconds: args.durationSeconds,
      ...(paired ? { rounds: args.rounds } : {}),
      gatewayCore: GATEWAY_CORE,
      othersCore: OTHERS_CORE,
      pinning: session.pinning.log,
      crmRateLimitPerSecond: CRM_RATE_LIMIT_PER_SECOND,
      nodeEnv: NODE_ENV,
      ...(args.bizgraphNodeOptions ? { bizgraphNodeOptions: args.bizgraphNodeOptions } : {}),
      ...(replayed ? { subgraphs: 'replayed' as const } : {}),
    },
    gateways: gateways.map((gateway) => ({ ...gateway, startupMs: session.stack.startupMs[gateway.id] })),
    workloads: workloads.map(({ id, label, query }) => ({ id, label, query: query.replace(/\s+/g, ' ') })),
    runs,
    comparisons: compareWithPlain(
      runs,
      workloads.map((workload) => workload.id),
    ),
    warmSpeedupOnB: warmSpeedup(runs, 'b'),
  };
  const observability = observabilityCosts(
    runs,
    workloads.map((workload) => workload.id),
  );
  // Older results have no such section, and a run without the variants writes none either.
  if (observability.length > 0) results.observability = observability;
  log(`measuring took ${((Date.parse(results.finishedAt) - Date.parse(startedAt)) / 1000).toFixed(0)} s`);
  const file = writeJson(`${prefix}${fileStamp(results.startedAt)}.json`, results);
  const failed = runs.filter((run) => !run.ok).length;
  console.log(`\n${renderReadmeTable(results)}\n`);
  log(`wrote ${file}`);
  if (args.custom || failed > 0) {
    log(`latest.json and the README were left alone: ${failed ? `${failed} run(s) failed their answer check` : 'durations or the selection were overridden'}`);
  } else {
    log(`wrote ${writeJson(`${prefix}latest.json`, results)}`);
    const readme = updateReadme(results);
    log(readme === 'no markers' ? `README.md not changed: ${MARKERS_HINT}` : `README.md ${readme}`);
  }
  for (const failure of session.pinning.log.failures) log(`pinning failed: ${failure}`);
  return failed > 0 ? 1 : 0;
}

/** Gives the floor the exact bytes bizgraph (caches off) answers to the workload. */
async function primeFloor(session: Session, workload: Workload): Promise<void> {
  const { text } = await postGraphQL(session.target('bizgraph').url, workload.query, session.token);
  const floor = new URL(session.target('floor').url);
  const response = await request(`${floor.origin}/_body`, { method: 'PUT', body: text });
  await response.body.dump();
  if (response.statusCode !== 204) throw new Error(`the floor refused its answer: HTTP ${response.statusCode}`);
}

function summary(run: RunFigures): string {
  const upstream = run.upstreamPerRequest;
  return (
    `  ${run.reqPerSec.toFixed(0)} req/s · p50 ${run.p50Ms.toFixed(1)} ms · p99 ${run.p99Ms.toFixed(1)} ms · ` +
    `CPU ${run.cpuMsPerRequest?.toFixed(2) ?? '?'} ms/req · RSS ${run.peakRssMb?.toFixed(0) ?? '?'} MB · ` +
    `upstream ${upstream?.total.toFixed(2) ?? '?'}/req (crm ${upstream?.crm.toFixed(2)}, support ${upstream?.support.toFixed(2)}, ` +
    `erp ${upstream?.erp.toFixed(2)}, billing ${upstream?.billing.toFixed(2)}) · errors ${formatErrors(run.errors)}` +
    (run.spanExports ? ` · spans exported: ${run.spanExports.requests} requests, ${(run.spanExports.bytes / 1024).toFixed(0)} KB` : '')
  );
}

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.mode === 'fleet') return runFleetBench(args);
  if (args.mode === 'events') return runEventsBench(args);
  const gateways: GatewayId[] = args.mode === 'soak' ? ['bizgraph'] : selection(args).started;
  const session = await startSession(gateways, { cpuProfDir: args.cpuProfDir, bizgraph: args.bizgraphNodeOptions, replayed: args.mode === 'replayed' });
  try {
    return args.mode === 'soak' ? await runSoak(args, session) : await compare(args, session);
  } finally {
    await session.stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? error.message : `bench failed: ${String((error as Error)?.stack ?? error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
