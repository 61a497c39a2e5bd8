import type { BenchResults, Comparison, GatewayId, RunErrors, RunFigures, WorkloadId } from './types.js';

/** Text rendering of results: Markdown tables padded to line up, so one rendering serves the console and the README. */

export const GATEWAY_LABELS: Record<GatewayId, string> = {
  plain: 'plain @apollo/gateway',
  bizgraph: 'bizgraph, caches off',
  'bizgraph-apollo': "bizgraph, Apollo's executor",
  'bizgraph-warm': 'bizgraph, caches warm',
  floor: 'raw node:http floor',
};
const GATEWAY_ORDER: readonly GatewayId[] = ['plain', 'bizgraph-apollo', 'bizgraph', 'bizgraph-warm', 'floor'];
/** Issue 13's target: bizgraph's gateway CPU per request at most a quarter of plain @apollo/gateway's. */
export const CPU_RATIO_TARGET = 0.25;

/** A Markdown table whose columns are padded; `right` marks numeric columns (right-aligned). */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[] = []): string {
  const widths = header.map((cell, i) => Math.max(cell.length, 3, ...rows.map((row) => (row[i] ?? '').length)));
  const pad = (cell: string, i: number) => (right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, i) => pad(cell, i)).join(' | ')} |`;
  const rule = `|${widths.map((width, i) => (right[i] ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

const fixed = (value: number | null | undefined, digits: number) => (value === null || value === undefined ? '–' : value.toFixed(digits));

export function formatErrors(errors: RunErrors): string {
  const parts = [
    errors.non2xx ? `${errors.non2xx} HTTP` : '',
    errors.graphqlErrors ? `${errors.graphqlErrors} GraphQL` : '',
    errors.transport ? `${errors.transport} socket` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : '0';
}

function sortRuns(runs: readonly RunFigures[]): RunFigures[] {
  return [...runs].sort((a, b) => a.workload.localeCompare(b.workload) || GATEWAY_ORDER.indexOf(a.gateway) - GATEWAY_ORDER.indexOf(b.gateway));
}

/**
 * How much of its one core the gateway used (CPU per request × requests per second): well under
 * 100 % means the subgraphs, not the gateway, set the pace of that run, and req/s then compares
 * the subgraphs more than the gateways.
 */
export function gatewayBusyPercent(run: Pick<RunFigures, 'cpuMsPerRequest' | 'reqPerSec'>): number | null {
  if (run.cpuMsPerRequest === null || run.reqPerSec === null) return null;
  return (run.cpuMsPerRequest * run.reqPerSec) / 10;
}

/** Per (workload, gateway): req/s, latency, gateway CPU and memory, upstream calls, errors. */
export function renderRunsTable(results: Pick<BenchResults, 'runs' | 'workloads'>): string {
  const labels = new Map(results.workloads.map((workload) => [workload.id, workload.label]));
  const rows = sortRuns(results.runs).map((run) => [
    labels.get(run.workload) ?? run.workload,
    GATEWAY_LABELS[run.gateway],
    ...(run.ok
      ? [
          fixed(run.reqPerSec, 0),
          fixed(run.p50Ms, 1),
          fixed(run.p99Ms, 1),
          fixed(run.cpuMsPerRequest, 2),
          fixed(gatewayBusyPercent(run), 0),
          fixed(run.peakRssMb, 0),
          fixed(run.upstreamPerRequest?.total, 2),
          formatErrors(run.errors),
        ]
      : ['not measured', '–', '–', '–', '–', '–', '–', '–']),
  ]);
  return markdownTable(
    ['workload', 'gateway', 'req/s', 'p50 ms', 'p99 ms', 'gateway CPU ms/req', 'gateway core busy %', 'gateway peak RSS MB', 'upstream calls/req', 'errors'],
    rows,
    [false, false, true, true, true, true, true, true, true, true],
  );
}

function comparisonRow(comparison: Comparison, label: string): string[] {
  const p99 = comparison.p99Ms;
  return [
    label,
    comparison.cpuRatio === null ? '–' : `${comparison.cpuRatio.toFixed(2)} ${comparison.cpuRatio <= CPU_RATIO_TARGET ? '✓' : '✗'}`,
    comparison.reqPerSecRatio === null ? '–' : `${comparison.reqPerSecRatio.toFixed(2)}× ${comparison.reqPerSecRatio >= 2 ? '✓' : '✗'}`,
    p99 === null ? '–' : `${p99.bizgraph.toFixed(1)} vs ${p99.plain.toFixed(1)} ${p99.bizgraph < p99.plain ? '✓' : '✗'}`,
    comparison.floorCpuRatio === null || comparison.floorCpuRatio === undefined ? '–' : `${comparison.floorCpuRatio.toFixed(1)}×`,
    comparison.executorCpuRatio === null || comparison.executorCpuRatio === undefined ? '–' : comparison.executorCpuRatio.toFixed(2),
  ];
}

/** bizgraph (caches off) against the baseline, with the issue's targets ticked or crossed. */
export function renderComparisonTable(results: Pick<BenchResults, 'comparisons' | 'workloads'>): string {
  const labels = new Map<WorkloadId, string>(results.workloads.map((workload) => [workload.id, workload.label]));
  return markdownTable(
    [
      'workload',
      `CPU/req, bizgraph ÷ plain (target ≤ ${CPU_RATIO_TARGET})`,
      'req/s, bizgraph ÷ plain (target ≥ 2×)',
      'p99 ms, bizgraph vs plain (target lower)',
      'CPU/req, bizgraph ÷ raw floor',
      "CPU/req, bizgraph ÷ bizgraph on Apollo's executor",
    ],
    results.comparisons.map((comparison) => comparisonRow(comparison, labels.get(comparison.workload) ?? comparison.workload)),
  );
}

export function renderWarmLine(results: Pick<BenchResults, 'warmSpeedupOnB'>): string {
  const speedup = results.warmSpeedupOnB;
  if (speedup === null) return 'Caches warm on (b): not measured.';
  return `Caches warm on (b): ${speedup.toFixed(2)}× the caches-off req/s (target ≥ 5×) ${speedup >= 5 ? '✓' : '✗'}.`;
}

/** Each gateway's start-up (spawn to listening, compiled JavaScript); empty for results without it. */
export function renderStartupLine(results: Pick<BenchResults, 'gateways'>): string[] {
  const measured = results.gateways.filter((gateway) => gateway.startupMs !== undefined && gateway.id !== 'floor');
  if (measured.length === 0) return [];
  const figures = measured.map((gateway) => `${gateway.label} ${(gateway.startupMs! / 1000).toFixed(2)} s`).join(' · ');
  const bizgraph = measured.find((gateway) => gateway.id === 'bizgraph')?.startupMs;
  const verdict = bizgraph === undefined ? '' : ` (target for bizgraph ≤ 2 s ${bizgraph <= 2000 ? '✓' : '✗'})`;
  return [`Start-up, spawn to listening, compiled JavaScript: ${figures}${verdict}.`];
}

/** Runs whose answer check failed, with the reason (they have no figures). */
export function renderFailures(runs: readonly RunFigures[]): string[] {
  return runs.filter((run) => !run.ok).map((run) => `- ${GATEWAY_LABELS[run.gateway]} on (${run.workload}) was not measured: ${run.failure}`);
}
