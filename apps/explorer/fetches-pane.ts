import { createElement as h, useSyncExternalStore } from 'react';
import type { FetchRecord } from '../../common/contracts/explorer.js';

/**
 * The plan view: which systems the last run asked, in the order the fetches started, for which
 * part of the answer, and how long each took (the answer's `extensions.fetches`, which the
 * explorer asks for with `bizgraph-fetches: 1`; gateway/src/features/fetch-trace).
 */
interface LastRun {
  operationName?: string;
  /** Undefined when the gateway sent no list (a production gateway without schema:introspect). */
  fetches?: FetchRecord[];
}

let lastRun: LastRun | undefined;
const listeners = new Set<() => void>();

/** Called by the fetcher with every answer to an operation the editor ran. */
export function recordRun(operationName: string | undefined, extensions: Record<string, unknown> | undefined): void {
  lastRun = { operationName, fetches: Array.isArray(extensions?.fetches) ? (extensions.fetches as FetchRecord[]) : undefined };
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function FetchesPane() {
  const run = useSyncExternalStore(subscribe, () => lastRun);
  const intro = h('h2', { className: 'bizgraph-fetches-title' }, 'Systems asked');
  if (!run) return h('div', { className: 'bizgraph-fetches' }, intro, h('p', null, 'Run an operation to see which systems it asked.'));
  if (!run.fetches) return h('div', { className: 'bizgraph-fetches' }, intro, h('p', null, 'This gateway lists fetches only for a token with schema:introspect.'));
  const header = ['#', 'system', 'start ms', 'took ms', 'errors', 'answer path', 'subgraph'];
  return h(
    'div',
    { className: 'bizgraph-fetches' },
    intro,
    h('p', null, `${run.operationName ?? 'anonymous operation'}: ${run.fetches.length} fetch${run.fetches.length === 1 ? '' : 'es'}, in the order they started.`),
    h(
      'table',
      { className: 'bizgraph-fetches-table' },
      h('thead', null, h('tr', null, ...header.map((cell) => h('th', { key: cell }, cell)))),
      h(
        'tbody',
        null,
        ...run.fetches.map((fetch, index) =>
          h(
            'tr',
            { key: index },
            h('td', null, String(index + 1)),
            h('td', null, fetch.system),
            h('td', null, fetch.startedMs.toFixed(1)),
            h('td', null, fetch.durationMs.toFixed(1)),
            h('td', null, String(fetch.errors)),
            h('td', null, h('code', null, fetch.path)),
            h('td', null, fetch.subgraph),
          ),
        ),
      ),
    ),
  );
}

function FetchesIcon() {
  return h(
    'svg',
    { viewBox: '0 0 24 24', width: 24, height: 24, fill: 'none', stroke: 'currentColor', strokeWidth: 1.5, 'aria-hidden': true },
    h('path', { d: 'M4 5h6v4H4zM14 15h6v4h-6zM14 5h6v4h-6zM7 9v8h7M17 9v6' }),
  );
}

export const FETCHES_PLUGIN = { title: 'Systems asked', icon: FetchesIcon, content: FetchesPane };
