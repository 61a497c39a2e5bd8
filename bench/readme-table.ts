import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderComparisonTable, renderFailures, renderObservabilityTable, renderRunsTable, renderStartupLine, renderWarmLine } from './table.js';
import type { BenchResults } from './types.js';

/**
 * The README's benchmark section, generated from a results file and never typed: `npm run bench`
 * rewrites the text between the markers, and test/bench-readme.test.ts fails when it drifts from
 * `bench/results/latest.json`.
 */
export const README_START = '<!-- bench:start -->';
export const README_END = '<!-- bench:end -->';
/** The two comments a generated README block sits between (the comparison's, the fleet's). */
export interface ReadmeMarkers {
  start: string;
  end: string;
}
const BENCH_MARKERS: ReadmeMarkers = { start: README_START, end: README_END };
export const LATEST_RESULTS = fileURLToPath(new URL('./results/latest.json', import.meta.url));
/** The gateway-bound comparison's block and file (`npm run bench -- --replayed`). */
export const REPLAYED_MARKERS: ReadmeMarkers = { start: '<!-- bench-replayed:start -->', end: '<!-- bench-replayed:end -->' };
export const REPLAYED_LATEST_RESULTS = fileURLToPath(new URL('./results/replayed-latest.json', import.meta.url));

const GiB = 1024 ** 3;

/** When and where a run was measured: date, machine, commit, seed data. */
export function describeMachineLine(results: Pick<BenchResults, 'startedAt' | 'machine' | 'commit' | 'seed'>): string {
  const { machine, commit, seed } = results;
  return [
    `Measured ${results.startedAt.slice(0, 10)} on ${machine.cpuModel}, ${machine.cores} cores, ${(machine.memoryBytes / GiB).toFixed(1)} GiB, ${machine.os}, Node ${machine.node}`,
    `commit ${commit.sha.slice(0, 12)}${commit.dirty ? ' (uncommitted changes)' : ''}`,
    `seed ${seed.seed}, scale ${seed.scale}`,
  ].join(' · ');
}

export function describeRun(results: BenchResults): string {
  const { settings } = results;
  return [
    describeMachineLine(results),
    ...(settings.subgraphs === 'replayed' ? ['every subgraph fetch replayed from memory after its first (bench/replay-subgraph.ts)'] : []),
    `${settings.connections} connections${settings.ratePerSecond ? ` offered ${settings.ratePerSecond} req/s in all` : ''}, ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s per run` +
      (settings.rounds ? `, plain and bizgraph (caches off) in ${settings.rounds} alternating rounds per workload` : ''),
    settings.pinning.available && settings.pinning.failures.length === 0
      ? `gateway pinned to core ${settings.gatewayCore}, everything else to core ${settings.othersCore}`
      : 'CPU pinning incomplete (see the JSON)',
  ].join(' · ');
}

function minutes(results: BenchResults): string {
  return ((Date.parse(results.finishedAt) - Date.parse(results.startedAt)) / 60_000).toFixed(1);
}

/** The Markdown between the README markers (without them), a pure function of the results: paragraphs and tables, one blank line apart. */
export function renderReadmeTable(results: BenchResults): string {
  const failures = renderFailures(results.runs);
  const replayed = results.settings.subgraphs === 'replayed';
  const sections = [
    renderRunsTable(results),
    renderComparisonTable(results),
    ...renderObservabilityTable(results),
    // Caches are not part of the replayed comparison: no line saying they were not measured.
    ...(replayed ? [] : [renderWarmLine(results)]),
    ...renderStartupLine(results),
    ...(failures.length ? [failures.join('\n')] : []),
    `${describeRun(results)}.`,
    replayed
      ? `Reproduce with \`npm run bench -- --replayed\` (${minutes(results)} minutes here, start-up included; it rewrites \`bench/results/replayed-latest.json\` and this table).`
      : `Reproduce with \`npm run bench\` (${minutes(results)} minutes here, start-up included; it rewrites \`bench/results/latest.json\` and this table).`,
  ];
  return sections.join('\n\n');
}

/** The text between the markers, trimmed; undefined when the README has no (well-ordered) markers. */
export function extractReadmeBlock(readme: string, markers: ReadmeMarkers = BENCH_MARKERS): string | undefined {
  const start = readme.indexOf(markers.start);
  const end = readme.indexOf(markers.end);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + markers.start.length, end).trim();
}

/** The README with the block replaced; undefined when the markers are absent (then nothing is written). */
export function replaceReadmeBlock(readme: string, block: string, markers: ReadmeMarkers = BENCH_MARKERS): string | undefined {
  const start = readme.indexOf(markers.start);
  const end = readme.indexOf(markers.end);
  if (start < 0 || end < start) return undefined;
  return `${readme.slice(0, start + markers.start.length)}\n${block}\n${readme.slice(end)}`;
}

export function readResults(file = LATEST_RESULTS): BenchResults {
  return JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
}
