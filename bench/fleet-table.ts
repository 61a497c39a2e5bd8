import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeMachineLine, type ReadmeMarkers } from './readme-table.js';
import { formatErrors, markdownTable } from './table.js';
import type { Commit, Machine, RunErrors, WorkloadId, WorkloadInfo } from './types.js';

/**
 * `npm run bench -- --fleet`: what one and two gateway replicas behind HAProxy serve on this
 * machine, and the README block made of it (generated, never typed; test/bench-readme.test.ts
 * compares it with `bench/results/fleet-latest.json`).
 */
export const FLEET_MARKERS: ReadmeMarkers = { start: '<!-- fleet-bench:start -->', end: '<!-- fleet-bench:end -->' };
export const FLEET_LATEST_RESULTS = fileURLToPath(new URL('./results/fleet-latest.json', import.meta.url));
/** Issue 15's target for a gateway's cold start from the build. */
export const COLD_START_TARGET_MS = 2000;

export interface FleetRun {
  workload: WorkloadId;
  /** The gateways' `RESPONSE_CACHE` (on: answers shared through Redis, so the gateways and Redis set the pace). */
  responseCache: 'off' | 'on';
  /** Gateways in rotation at HAProxy (the others are in `maint`). */
  replicas: number;
  ok: boolean;
  failure?: string;
  requests: number;
  seconds: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU of every gateway in rotation ÷ requests sent. */
  gatewayCpuMsPerRequest: number | null;
  /** HAProxy's CPU ÷ requests sent. */
  balancerCpuMsPerRequest: number | null;
  /** Busy share of all the machine's cores during the run (100 = every core busy). */
  machineBusyPercent: number | null;
  errors: RunErrors;
}

export interface FleetResults {
  format: 'bizgraph-fleet-bench/1';
  startedAt: string;
  finishedAt: string;
  machine: Machine;
  commit: Commit;
  seed: { seed: number; scale: number };
  settings: { connections: number; warmupSeconds: number; durationSeconds: number };
  workloads: WorkloadInfo[];
  runs: FleetRun[];
  /** Each gateway's spawn-to-listening from the build, when a rolling restart replaced it after the runs. */
  coldStartMs: number[];
}

const fixed = (value: number | null | undefined, digits: number) => (value === null || value === undefined ? '–' : value.toFixed(digits));

/** Requests one gateway core serves at this CPU per request (1000 ms ÷ CPU ms per request). */
export function perCoreReqPerSec(run: Pick<FleetRun, 'gatewayCpuMsPerRequest'> | undefined): number | null {
  return run?.gatewayCpuMsPerRequest ? 1000 / run.gatewayCpuMsPerRequest : null;
}

function runsTable(results: FleetResults, label: (id: WorkloadId) => string): string {
  const runs = [...results.runs].sort((a, b) => a.responseCache.localeCompare(b.responseCache) || a.workload.localeCompare(b.workload) || a.replicas - b.replicas);
  const header = [
    'workload',
    'response cache',
    'gateway replicas',
    'req/s',
    'p50 ms',
    'p99 ms',
    'gateway CPU ms/req',
    'gateway cores busy %',
    'HAProxy CPU ms/req',
    'machine busy %',
    'errors',
  ];
  const rows = runs.map((run) => [
    label(run.workload),
    run.responseCache,
    String(run.replicas),
    ...(run.ok
      ? [
          fixed(run.reqPerSec, 0),
          fixed(run.p50Ms, 1),
          fixed(run.p99Ms, 1),
          fixed(run.gatewayCpuMsPerRequest, 2),
          fixed(run.gatewayCpuMsPerRequest === null ? null : (run.gatewayCpuMsPerRequest * run.reqPerSec) / 10, 0),
          fixed(run.balancerCpuMsPerRequest, 2),
          fixed(run.machineBusyPercent, 0),
          formatErrors(run.errors),
        ]
      : ['not measured', '–', '–', '–', '–', '–', '–', '–']),
  ]);
  return markdownTable(header, rows, [false, false, true, true, true, true, true, true, true, true, true]);
}

function scalingTable(results: FleetResults, label: (id: WorkloadId) => string): string {
  const header = ['workload', 'response cache', 'req/s, 2 replicas ÷ 1', 'p99 ms, 2 replicas vs 1', 'req/s one gateway core serves (1000 ÷ CPU ms/req, 1 replica)'];
  const settings = (['off', 'on'] as const).filter((cache) => results.runs.some((run) => run.responseCache === cache));
  const rows = settings.flatMap((cache) =>
    results.workloads.map(({ id }) => {
      const find = (replicas: number) => results.runs.find((run) => run.workload === id && run.responseCache === cache && run.replicas === replicas && run.ok);
      const [one, two] = [find(1), find(2)];
      return [
        label(id),
        cache,
        one && two ? `${(two.reqPerSec / one.reqPerSec).toFixed(2)}×` : '–',
        one && two ? `${two.p99Ms.toFixed(1)} vs ${one.p99Ms.toFixed(1)}` : '–',
        fixed(perCoreReqPerSec(one), 0),
      ];
    }),
  );
  return markdownTable(header, rows);
}

function coldStartLine(results: FleetResults): string {
  if (results.coldStartMs.length === 0) return 'Gateway cold start: not measured (the rolling restart after the runs failed).';
  const worst = Math.max(...results.coldStartMs);
  const each = results.coldStartMs.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ');
  return `Gateway cold start from the build (spawn to listening, each gateway replaced by a rolling restart after each fleet's runs): ${each} (target ≤ ${COLD_START_TARGET_MS / 1000} s ${worst <= COLD_START_TARGET_MS ? '✓' : '✗'}).`;
}

/** The Markdown between the fleet markers, a pure function of the results. */
export function renderFleetBlock(results: FleetResults): string {
  const labels = new Map(results.workloads.map((workload) => [workload.id, workload.label]));
  const label = (id: WorkloadId) => labels.get(id) ?? id;
  const failures = results.runs
    .filter((run) => !run.ok)
    .map((run) => `- ${label(run.workload)}, response cache ${run.responseCache}, with ${run.replicas} replica(s) was not measured: ${run.failure}`);
  const { settings } = results;
  const minutes = ((Date.parse(results.finishedAt) - Date.parse(results.startedAt)) / 60_000).toFixed(1);
  return [
    runsTable(results, label),
    '',
    scalingTable(results, label),
    '',
    coldStartLine(results),
    ...(failures.length ? ['', ...failures] : []),
    '',
    `${describeMachineLine(results)} · ${settings.connections} connections through HAProxy, ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s per run · nothing pinned: gateways, HAProxy, subgraphs, stand-ins, Redis, PostgreSQL and the load generator share the cores.`,
    '',
    `Reproduce with \`npm run bench -- --fleet\` (${minutes} minutes here, start-up included; it rewrites \`bench/results/fleet-latest.json\` and this block).`,
  ].join('\n');
}

export function readFleetResults(file = FLEET_LATEST_RESULTS): FleetResults {
  return JSON.parse(readFileSync(file, 'utf8')) as FleetResults;
}
