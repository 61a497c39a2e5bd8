import type { Criticality } from '../lib/semantic-diff.js';
import type { CheckReport } from './run.js';
import type { Finding } from './types.js';

const CRITICALITIES: Criticality[] = ['breaking', 'dangerous', 'safe'];

function scopeLine(report: CheckReport): string {
  return report.focus ? `subgraph ${report.focus}, composed with the others as committed (their working tree with --base FILE)` : 'every subgraph (working tree)';
}

function countLine(report: CheckReport): string {
  const status = report.errors > 0 ? 'FAIL' : 'PASS';
  const others = report.othersLint > 0 ? `; ${report.othersLint} lint finding${report.othersLint === 1 ? '' : 's'} on other subgraphs' coordinates not counted` : '';
  return `${status}: ${report.errors} error${report.errors === 1 ? '' : 's'}, ${report.warnings} warning${report.warnings === 1 ? '' : 's'}${others}`;
}

function changeCounts(report: CheckReport): string {
  return CRITICALITIES.map((level) => `${report.changes.filter((c) => c.criticality === level).length} ${level}`).join(', ');
}

/** One line per finding (severity, rule, coordinate, message) under section headings; a summary line last. */
export function renderText(report: CheckReport): string {
  const lines = [`schema:check: ${scopeLine(report)}`, ''];
  const finding = (f: Finding) => `  ${f.severity.padEnd(7)} ${f.rule.padEnd(15)} ${f.coordinate}  ${f.message}`;
  for (const section of report.sections) {
    if (section.title === 'Composition') {
      lines.push(report.composed ? 'Composition: ok' : 'Composition: FAILED', ...section.findings.map(finding));
      if (report.composed) {
        lines.push('', `Schema changes against the base supergraph: ${changeCounts(report)}`);
        for (const change of report.changes) lines.push(`  ${change.criticality.padEnd(9)} ${change.path ?? '(schema)'}  ${change.message}`);
      }
      continue;
    }
    const extra = section.title === 'Consumer impact' || section.title === 'Scope impact' ? ` (${report.knownOperations} known operations)` : '';
    lines.push('', `${section.title}${extra}: ${section.findings.length === 0 ? 'nothing to report' : ''}`.trimEnd(), ...section.findings.map(finding));
  }
  lines.push('', `schema:check: ${countLine(report)}`);
  return `${lines.join('\n')}\n`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const ICON: Record<string, string> = { error: '❌ error', warning: '⚠️ warning', info: 'ℹ️ info' };

/** A pull-request comment: header, summary table, then one table per section that has findings. */
export function renderMarkdown(report: CheckReport): string {
  const lines = [`## schema:check — ${report.errors > 0 ? '❌ fail' : '✅ pass'}`, '', `Checked ${scopeLine(report)}. ${countLine(report)}.`, ''];
  lines.push('| Section | Errors | Warnings |', '| --- | ---: | ---: |');
  for (const section of report.sections) {
    const count = (severity: string) => section.findings.filter((f) => f.severity === severity).length;
    lines.push(`| ${section.title} | ${count('error')} | ${count('warning')} |`);
  }
  lines.push(`| Schema changes | ${changeCounts(report)} | |`, '');
  if (report.changes.length > 0) {
    lines.push('### Schema changes', '');
    for (const level of CRITICALITIES) {
      const changes = report.changes.filter((c) => c.criticality === level);
      if (changes.length === 0) continue;
      lines.push(`**${level}**`, '', ...changes.map((c) => `- \`${c.path ?? '(schema)'}\` ${c.message}`), '');
    }
  }
  for (const section of report.sections) {
    if (section.findings.length === 0) continue;
    lines.push(`### ${section.title}`, '', '| Severity | Rule | Coordinate | Message |', '| --- | --- | --- | --- |');
    for (const f of section.findings) lines.push(`| ${ICON[f.severity]} | ${f.rule} | \`${cell(f.coordinate)}\` | ${cell(f.message)} |`);
    lines.push('');
  }
  return `${lines.join('\n')}`;
}
