import { Gauge, Registry } from 'prom-client';
import { orphanRatio, type ReferenceResult } from './scan.js';

/** Orphan examples per row of the text table; `--format json` lists them all. */
const EXAMPLES = 3;

const percent = (result: ReferenceResult) => `${(orphanRatio(result) * 100).toFixed(2)} %`;

/** The text table: one row per reference, then the references written unverified, if any. */
export function formatTable(results: readonly ReferenceResult[]): string {
  const rows = results.map((result) => {
    const examples = result.orphans.slice(0, EXAMPLES).map((orphan) => `${orphan.source} → ${orphan.reference}`);
    if (result.orphans.length > EXAMPLES) examples.push(`… ${result.orphans.length - EXAMPLES} more`);
    return [
      result.name,
      `${result.source} → ${result.target}`,
      String(result.checked),
      String(result.orphans.length),
      percent(result),
      String(result.unverified.length),
      examples.join(', '),
    ];
  });
  const header = ['reference', 'source → target', 'checked', 'orphans', 'orphan rate', 'unverified', 'examples (source → missing key)'];
  const numeric = new Set([2, 3, 4, 5]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line), ...unverifiedLines(results)].join('\n');
}

/** One line per reference written while its target could not be asked, until the gateway confirms it. */
function unverifiedLines(results: readonly ReferenceResult[]): string[] {
  const lines = results.flatMap((result) =>
    result.unverified.map((entry) => {
      const state = entry.state === 'unknown' ? `unknown to ${result.target}` : `not yet confirmed by ${result.target}`;
      const holders = entry.sources.length > 0 ? `held by ${entry.sources.join(', ')}` : 'no record seen holding it';
      return `${result.name}  ${entry.reference}  ${state} since ${entry.firstWrittenAt}, ${holders}`;
    }),
  );
  return lines.length === 0 ? [] : ['', 'Written while the owner could not be asked (accept-pending), not confirmed yet:', ...lines];
}

export interface JsonReport {
  gateway: string;
  finishedAt: string;
  references: Array<ReferenceResult & { orphanCount: number; orphanRatio: number; unverifiedCount: number }>;
}

/** `--format json`: every orphan, with counts and ratios. */
export function jsonReport(results: readonly ReferenceResult[], gateway: string, finishedAt: Date): JsonReport {
  return {
    gateway,
    finishedAt: finishedAt.toISOString(),
    references: results.map((result) => ({ ...result, orphanCount: result.orphans.length, orphanRatio: orphanRatio(result), unverifiedCount: result.unverified.length })),
  };
}

/** The Prometheus exposition text of one completed scan. */
export async function promText(results: readonly ReferenceResult[], finishedAt: Date): Promise<string> {
  const registry = new Registry();
  const labelNames = ['reference', 'source', 'target'] as const;
  const references = new Gauge({ name: 'bizgraph_integrity_references', help: 'Cross-system references checked by the last integrity scan.', labelNames, registers: [registry] });
  const orphans = new Gauge({ name: 'bizgraph_integrity_orphans', help: 'References whose target system does not know the referenced key.', labelNames, registers: [registry] });
  const ratio = new Gauge({
    name: 'bizgraph_integrity_orphan_ratio',
    help: 'Orphans divided by references checked (0 when none were checked).',
    labelNames,
    registers: [registry],
  });
  const unverified = new Gauge({
    name: 'bizgraph_integrity_unverified',
    help: 'References written while their target could not be asked and not confirmed since (accept-pending).',
    labelNames,
    registers: [registry],
  });
  const lastRun = new Gauge({ name: 'bizgraph_integrity_last_run_timestamp_seconds', help: 'When the last completed integrity scan finished (Unix time).', registers: [registry] });
  for (const result of results) {
    const labels = { reference: result.name, source: result.source, target: result.target };
    references.set(labels, result.checked);
    orphans.set(labels, result.orphans.length);
    ratio.set(labels, orphanRatio(result));
    unverified.set(labels, result.unverified.length);
  }
  lastRun.set(finishedAt.getTime() / 1000);
  return registry.metrics();
}
