import { createElement as h, useEffect, useState, type ReactNode } from 'react';
import { asOfBySystem, problemsOf, utcTime, type Problems } from './answers.js';
import type { AnswerError, Source } from './client.js';
import { downloadCsv, toCsv, type Column } from './csv.js';

/**
 * A figure of the report: its title, an "as of" line per system that served it, a notice per
 * system that could not (the rest of the page renders regardless), then its chart and tables.
 */

export interface Loaded<T> {
  data: T | null | undefined;
  errors: AnswerError[];
  sources: Source[];
}

export type LoadState<T> = { state: 'idle' } | { state: 'loading' } | { state: 'done'; loaded: Loaded<T> } | { state: 'failed'; message: string };

/** Runs `load` whenever `key` changes (token, period), dropping answers that arrive after a newer ask. */
export function useLoad<T>(load: (() => Promise<Loaded<T>>) | undefined, key: string): LoadState<T> {
  const [state, setState] = useState<LoadState<T>>({ state: 'idle' });
  useEffect(() => {
    if (!load) return setState({ state: 'idle' });
    let live = true;
    setState({ state: 'loading' });
    load().then(
      (loaded) => live && setState({ state: 'done', loaded }),
      (error: unknown) => live && setState({ state: 'failed', message: (error as Error).message }),
    );
    return () => {
      live = false;
    };
    // `key` says when to ask again; `load` is a new closure on every render.
  }, [key]);
  return state;
}

interface PanelProps {
  id: string;
  title: string;
  /** The systems the figure comes from, named in its notices. */
  systems: string[];
  state: LoadState<unknown>;
  /** What the figure needs that this answer lacks, beyond the systems that failed (e.g. a field refused to the token). */
  notes?: string[];
  children?: ReactNode;
}

export function Panel({ id, title, systems, state, notes = [], children }: PanelProps) {
  const problems: Problems | undefined = state.state === 'done' ? problemsOf(state.loaded.errors) : undefined;
  return h(
    'section',
    { className: 'report-panel', id, 'aria-label': title, 'data-panel': id },
    h('h2', null, title, h('span', { className: 'report-systems' }, ` from ${systems.join(', ')}`)),
    state.state === 'idle' ? h('p', { className: 'report-hint' }, 'Paste a token (or mint the reporting preset in development) to read this figure.') : null,
    state.state === 'loading' ? h('p', { className: 'report-hint', 'aria-busy': true }, 'Loading…') : null,
    state.state === 'failed' ? h('p', { className: 'report-problem', role: 'alert' }, `Could not ask the gateway: ${state.message}`) : null,
    state.state === 'done' ? h(AsOfLine, { sources: state.loaded.sources }) : null,
    problems ? h(ProblemNotices, { problems }) : null,
    ...notes.map((note) => h('p', { key: note, className: 'report-problem', role: 'alert' }, note)),
    state.state === 'done' ? children : null,
  );
}

/** `As of 2026-12-06 07:21:03 UTC (billing, erp)`: systems whose oldest values were fetched in the same second share a time. */
function AsOfLine({ sources }: { sources: Source[] }) {
  const lines = asOfBySystem(sources);
  if (lines.length === 0) return h('p', { className: 'report-as-of' }, 'As of: no system answered this figure.');
  const byTime = new Map<string, string[]>();
  for (const line of lines) {
    const label = `${line.system}${line.staleIfError ? ', stale: the system failed' : line.fromCache ? ', partly cached' : ''}`;
    byTime.set(utcTime(line.fetchedAt), [...(byTime.get(utcTime(line.fetchedAt)) ?? []), label]);
  }
  return h('p', { className: 'report-as-of' }, `As of ${[...byTime].map(([time, systems]) => `${time} (${systems.join(', ')})`).join('; ')}`);
}

function ProblemNotices({ problems }: { problems: Problems }) {
  return h(
    'div',
    null,
    ...[...problems.unavailable].map(([system, detail]) =>
      h(
        'p',
        { key: `down-${system}`, className: 'report-unavailable', role: 'alert', 'data-unavailable': system, title: detail },
        `${system} is unavailable: its figures are missing here (${detail.split(':')[0]}).`,
      ),
    ),
    problems.denied.size > 0
      ? h(
          'p',
          { key: 'denied', className: 'report-problem', role: 'alert' },
          `This token may not read ${[...problems.denied].sort().join(', ')}: those figures are left out (the reporting preset reads every figure).`,
        )
      : null,
    ...[...problems.other].map((message) => h('p', { key: message, className: 'report-problem', role: 'alert' }, message)),
  );
}

interface TableProps<R> {
  caption: string;
  /** The CSV's file name, without `.csv`. */
  filename: string;
  columns: readonly Column<R>[];
  rows: readonly R[];
  /** How each cell is shown (default: the CSV value); numbers right-aligned. */
  display?: Partial<Record<string, (row: R) => string>>;
  /** Rows drawn at most; the CSV always holds every row. */
  limit?: number;
  footer?: readonly R[];
  /** A key per row, written as `data-row` (tests and people find a row by it). */
  rowKey?: (row: R) => string;
}

export function DataTable<R>({ caption, filename, columns, rows, display = {}, limit = 500, footer = [], rowKey }: TableProps<R>) {
  const shown = rows.slice(0, limit);
  const cell = (row: R, column: Column<R>) => {
    const show = display[column.key];
    const value = column.value(row);
    return h('td', { key: column.key, 'data-column': column.key, className: typeof value === 'number' || show ? 'report-number' : '' }, show ? show(row) : String(value ?? '–'));
  };
  return h(
    'div',
    { className: 'report-table-block' },
    h(
      'div',
      { className: 'report-table-head' },
      h('h3', null, caption),
      h('button', { type: 'button', onClick: () => downloadCsv(`${filename}.csv`, toCsv(columns, [...rows, ...footer])) }, `Download CSV (${rows.length} rows)`),
    ),
    rows.length > shown.length ? h('p', { className: 'report-hint' }, `Showing ${shown.length} of ${rows.length} rows; the CSV holds all of them.`) : null,
    h(
      'table',
      { className: 'report-table', 'aria-label': caption },
      h('thead', null, h('tr', null, ...columns.map((column) => h('th', { key: column.key }, column.label)))),
      h('tbody', null, ...shown.map((row, index) => h('tr', { key: index, 'data-row': rowKey?.(row) }, ...columns.map((column) => cell(row, column))))),
      footer.length > 0 ? h('tfoot', null, ...footer.map((row, index) => h('tr', { key: index, 'data-row': rowKey?.(row) }, ...columns.map((column) => cell(row, column))))) : null,
    ),
  );
}
