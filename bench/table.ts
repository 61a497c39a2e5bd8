import type { BenchResults, Comparison, GatewayId, ObservabilityCost, ObservabilityVariantId, RunErrors, RunFigures, SpanExports, WorkloadId } from './types.js';
import { representativeRun } from './stats.js';
import { isObservabilityVariant, OBSERVABILITY_VARIANT_IDS, OBSERVABILITY_VARIANTS } from './variants.js';

/** Text rendering of results: Markdown tables padded to line up, so one rendering serves the console and the README. */

export const GATEWAY_LABELS: Record<GatewayId, string> = {
  plain: 'plain @apollo/gateway',
  bizgraph: 'bizgraph, caches off',
  'bizgraph-apollo': "bizgraph, Apollo's executor",
  'bizgraph-warm': 'bizgraph, caches warm',
  floor: 'raw node:http floor',
  ...(Object.fromEntries(OBSERVABILITY_VARIANTS.map((variant) => [variant.id, `bizgraph, ${variant.label}`])) as Record<ObservabilityVariantId, string>),
};
const GATEWAY_ORDER: readonly GatewayId[] = ['plain', 'bizgraph-apollo', 'bizgraph', ...OBSERVABILITY_VARIANT_IDS, 'bizgraph-warm', 'floor'];
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

/**
 * One row per (workload, gateway): a gateway measured in rounds is shown by its median round (by
 * CPU per request), labelled with the count; every round stays in the JSON.
 */
function shownRuns(runs: readonly RunFigures[]): { run: RunFigures; rounds: number }[] {
  const shown: { run: RunFigures; rounds: number }[] = [];
  for (const run of runs) {
    if (isObservabilityVariant(run.gateway)) continue;
    if (run.round === undefined || !run.ok) {
      shown.push({ run, rounds: 1 });
      continue;
    }
    const rounds = runs.filter((other) => other.gateway === run.gateway && other.workload === run.workload && other.round !== undefined && other.ok);
    if (representativeRun(rounds, run.gateway, run.workload) === run) shown.push({ run, rounds: rounds.length });
  }
  return shown;
}

/** Per (workload, gateway): req/s, latency, gateway CPU and memory, upstream calls, errors; the observability variants have a table of their own. */
export function renderRunsTable(results: Pick<BenchResults, 'runs' | 'workloads'>): string {
  const labels = new Map(results.workloads.map((workload) => [workload.id, workload.label]));
  const shown = shownRuns(results.runs);
  const roundsOf = new Map(shown.map(({ run, rounds }) => [run, rounds]));
  const rows = sortRuns(shown.map(({ run }) => run)).map((run) => [
    labels.get(run.workload) ?? run.workload,
    roundsOf.get(run)! > 1 ? `${GATEWAY_LABELS[run.gateway]} (median of ${roundsOf.get(run)} rounds)` : GATEWAY_LABELS[run.gateway],
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

function comparisonRow(comparison: Comparison, label: string, paced: boolean): string[] {
  const p99 = comparison.p99Ms;
  // At a fixed offered rate both gateways answer what they are sent: the ratio says only whether one fell behind.
  const reqPerSecVerdict = (ratio: number) => (paced ? '(both offered the same rate)' : ratio >= 2 ? '✓' : '✗');
  return [
    label,
    comparison.cpuRatio === null ? '–' : `${comparison.cpuRatio.toFixed(2)} ${comparison.cpuRatio <= CPU_RATIO_TARGET ? '✓' : '✗'}${roundsNote(comparison.cpuRatioRounds)}`,
    comparison.reqPerSecRatio === null
      ? '–'
      : `${comparison.reqPerSecRatio.toFixed(2)}× ${reqPerSecVerdict(comparison.reqPerSecRatio)}${roundsNote(comparison.reqPerSecRatioRounds)}`,
    p99 === null
      ? '–'
      : `${p99.bizgraph.toFixed(1)} vs ${p99.plain.toFixed(1)} ${p99.bizgraph < p99.plain ? '✓' : '✗'}${p99.rounds ? ` (lower in ${p99.lowerInRounds} of ${p99.rounds} rounds)` : ''}`,
    comparison.floorCpuRatio === null || comparison.floorCpuRatio === undefined ? '–' : `${comparison.floorCpuRatio.toFixed(1)}×`,
    comparison.executorCpuRatio === null || comparison.executorCpuRatio === undefined ? '–' : comparison.executorCpuRatio.toFixed(2),
  ];
}

/** ` (rounds 0.41 · 0.47 · 0.44)`: each round's own ratio, whose median the cell shows. */
function roundsNote(rounds: readonly number[] | undefined): string {
  return rounds && rounds.length > 1 ? ` (rounds ${rounds.map((value) => value.toFixed(2)).join(' · ')})` : '';
}

/** bizgraph (caches off) against the baseline, with the issue's targets ticked or crossed. */
export function renderComparisonTable(results: Pick<BenchResults, 'comparisons' | 'workloads' | 'settings'>): string {
  const paced = results.settings.ratePerSecond !== undefined;
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
    results.comparisons.map((comparison) => comparisonRow(comparison, labels.get(comparison.workload) ?? comparison.workload, paced)),
  );
}

const OBSERVABILITY_LABELS: Record<ObservabilityCost['gateway'], string> = {
  bizgraph: 'production defaults',
  ...(Object.fromEntries(OBSERVABILITY_VARIANTS.map((variant) => [variant.id, variant.label])) as Record<ObservabilityVariantId, string>),
};

/** `0.93, saves 7 %`: 7 % less CPU per request than the defaults (the part switched off cost that); `1.19, adds 19 %`: 19 % more (spans exported). */
export function formatVsDefaults(cost: Pick<ObservabilityCost, 'gateway' | 'vsDefaults'>): string {
  if (cost.vsDefaults === null) return '–';
  if (cost.gateway === 'bizgraph') return cost.vsDefaults.toFixed(2);
  const saved = Math.round((1 - cost.vsDefaults) * 100);
  return `${cost.vsDefaults.toFixed(2)}, ${saved >= 0 ? `saves ${saved} %` : `adds ${-saved} %`}`;
}

function formatSpanExports(exports: SpanExports | undefined): string {
  return exports === undefined ? '–' : `${exports.requests} requests, ${(exports.bytes / 1024).toFixed(0)} KB`;
}

/**
 * What each observability part costs: bizgraph's production defaults, then each variant's CPU per
 * request and its ratio to them, with what reached the OTLP sink for the span variants. Nothing for
 * results without the section (older runs, or runs without the variants); otherwise the title
 * line and the table, one paragraph each.
 */
export function renderObservabilityTable(results: Pick<BenchResults, 'observability' | 'runs' | 'workloads' | 'gateways'>): string[] {
  if (!results.observability?.length) return [];
  const labels = new Map<WorkloadId, string>(results.workloads.map((workload) => [workload.id, workload.label]));
  const settings = new Map(results.gateways.map((gateway) => [gateway.id, gateway.settings?.map((assignment) => `\`${assignment}\``).join(' ')]));
  const rows = results.observability.map((cost) => {
    const run = results.runs.find((candidate) => candidate.gateway === cost.gateway && candidate.workload === cost.workload);
    return [
      labels.get(cost.workload) ?? cost.workload,
      OBSERVABILITY_LABELS[cost.gateway],
      settings.get(cost.gateway) || '–',
      run?.ok ? fixed(cost.cpuMsPerRequest, 2) : 'not measured',
      formatVsDefaults(cost),
      formatSpanExports(run?.spanExports),
      run?.ok ? formatErrors(run.errors) : '–',
    ];
  });
  const header = ['workload', 'bizgraph with', 'setting', 'gateway CPU ms/req', '÷ production defaults', 'OTLP exports', 'errors'];
  return [
    'What observability costs: bizgraph (caches off) with observability parts switched off or on, its CPU per request ÷ the same gateway with production defaults (request line at info, metrics, audit trail in a file, usage log, trace ids but no span export) in the same run.',
    markdownTable(header, rows, [false, false, false, true, true, true, true]),
  ];
}

export function renderWarmLine(results: Pick<BenchResults, 'warmSpeedupOnB'>): string {
  const speedup = results.warmSpeedupOnB;
  if (speedup === null) return 'Caches warm on (b): not measured.';
  return `Caches warm on (b): ${speedup.toFixed(2)}× the caches-off req/s (target ≥ 5×) ${speedup >= 5 ? '✓' : '✗'}.`;
}

/** Each gateway's start-up (spawn to listening, compiled JavaScript); empty for results without it. */
export function renderStartupLine(results: Pick<BenchResults, 'gateways'>): string[] {
  const measured = results.gateways.filter((gateway) => gateway.startupMs !== undefined && gateway.id !== 'floor' && !isObservabilityVariant(gateway.id));
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
