import type { SupergraphPolicy } from '../../gateway/src/authz/policy.js';
import { compareText, formatScopes, requirementOf } from './scopes-expr.js';

/** One line of the scope matrix: what it takes to read `Type.field`, its classification and owners. */
export interface MatrixRow {
  coordinate: string;
  type: string;
  field: string;
  /** Readable rule, e.g. `crm:read AND pii:read`; empty when no scope is needed. */
  requires: string;
  /** Any one of these sets of scopes grants the field; null when no scope is needed. */
  scopes: string[][] | null;
  authenticated: boolean;
  tags: string[];
  subgraphs: string[];
}

export const MATRIX_FORMATS = ['table', 'csv', 'json'] as const;
export type MatrixFormat = (typeof MATRIX_FORMATS)[number];

function compareCoordinates(a: MatrixRow, b: MatrixRow): number {
  return compareText(a.type, b.type) || compareText(a.field, b.field);
}

/** Every field of the policy, sorted by type then field, so the output is stable across runs. */
export function scopeMatrix(policy: SupergraphPolicy): MatrixRow[] {
  const rows = [...policy.fields.values()].map((field): MatrixRow => {
    const dot = field.coordinate.indexOf('.');
    const requirement = requirementOf(field.access);
    return {
      coordinate: field.coordinate,
      type: field.coordinate.slice(0, dot),
      field: field.coordinate.slice(dot + 1),
      requires: formatScopes(requirement.anyOf),
      scopes: requirement.anyOf,
      authenticated: requirement.authenticated,
      tags: [...new Set(field.tags)].sort(compareText),
      subgraphs: [...new Set(field.subgraphs)].sort(compareText),
    };
  });
  return rows.sort(compareCoordinates);
}

export function formatMatrix(rows: readonly MatrixRow[], format: MatrixFormat): string {
  if (format === 'json') return `${JSON.stringify({ fields: rows }, null, 2)}\n`;
  if (format === 'csv') return formatCsv(rows);
  return formatTable(rows);
}

const HEADER = ['field', 'requires', 'authenticated', 'tags', 'subgraphs'];

function cells(row: MatrixRow): string[] {
  const requires = row.requires || (row.authenticated ? '(authenticated)' : '(public)');
  return [row.coordinate, requires, row.authenticated ? 'yes' : 'no', row.tags.join(' '), row.subgraphs.join(' ')];
}

function formatTable(rows: readonly MatrixRow[]): string {
  const lines = [HEADER.map((h) => h.toUpperCase()), ...rows.map(cells)];
  const widths = HEADER.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  const render = (line: string[]) =>
    line
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return `${[render(lines[0]!), rule, ...lines.slice(1).map(render)].join('\n')}\n`;
}

/** RFC 4180 quoting (a cell is quoted only when it holds a comma, quote or line break); LF line ends. */
function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function formatCsv(rows: readonly MatrixRow[]): string {
  const header = ['coordinate', 'type', 'field', 'requires', 'authenticated', 'tags', 'subgraphs'];
  const body = rows.map((row) =>
    [row.coordinate, row.type, row.field, row.requires, String(row.authenticated), row.tags.join(' '), row.subgraphs.join(' ')].map(csvCell).join(','),
  );
  return `${[header.join(','), ...body].join('\n')}\n`;
}
