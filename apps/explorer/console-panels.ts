import { createElement as h, useState } from 'react';
import { readChangelog, readIntegrityReport, readScopesMatrix, searchCatalog, type CatalogHit, type IntegrityReport, type MatrixRow } from './console-api.js';

/** The console's reference panels: catalog search with usage, the scopes matrix, the schema changelog. */

function usageText(hit: CatalogHit): string {
  if (!hit.usage) return 'no usage log';
  if (hit.usage.calls === 0) return 'no recorded use';
  const clients = hit.usage.clients.map((client) => `${client.name} (${client.calls})`).join(', ');
  return `${hit.usage.calls} calls by ${clients}; last ${new Date(hit.usage.lastUsed!).toLocaleString()}`;
}

export function CatalogSearch({ token }: { token: string }) {
  const [text, setText] = useState('');
  const [hits, setHits] = useState<{ hits: CatalogHit[]; more: boolean } | undefined>();
  const [problem, setProblem] = useState('');
  const search = async () => {
    setProblem('');
    try {
      setHits(await searchCatalog(token, text));
    } catch (error) {
      setProblem((error as Error).message);
    }
  };
  return h(
    'section',
    { className: 'bizgraph-panel', 'aria-label': 'Catalog' },
    h('h2', null, 'Catalog'),
    h(
      'form',
      {
        className: 'bizgraph-access-ask',
        onSubmit: (event: { preventDefault(): void }) => {
          event.preventDefault();
          void search();
        },
      },
      h('input', {
        'aria-label': 'Search the catalog',
        placeholder: 'a type or field, e.g. Customer.email',
        value: text,
        onChange: (event: { target: { value: string } }) => setText(event.target.value),
      }),
      h('button', { type: 'submit', disabled: !token || !text.trim() }, 'Search'),
    ),
    problem ? h('p', { className: 'bizgraph-problem', role: 'alert' }, problem) : null,
    hits
      ? h(
          'table',
          { className: 'bizgraph-table', 'aria-label': 'Catalog results' },
          h('thead', null, h('tr', null, ...['field', 'owner', 'scopes', 'tags', 'description', 'used by'].map((cell) => h('th', { key: cell }, cell)))),
          h(
            'tbody',
            null,
            ...hits.hits.map((hit) =>
              h(
                'tr',
                { key: hit.coordinate, 'data-coordinate': hit.coordinate },
                h('td', null, h('code', null, hit.coordinate)),
                h('td', null, `${hit.systems.join(', ')} · ${hit.teams.join(', ')}`),
                h('td', null, hit.requires || (hit.authenticated ? 'signed in' : 'none')),
                h('td', null, hit.tags.join(' ')),
                h('td', null, [hit.description ?? '', hit.deprecationReason ? ` Deprecated: ${hit.deprecationReason}` : ''].join('')),
                h('td', { 'data-column': 'usage' }, usageText(hit)),
              ),
            ),
          ),
        )
      : null,
    hits?.more ? h('p', null, 'More fields match: narrow the search.') : null,
  );
}

/** Loads on opening, once per token. */
function Lazy<T>({ token, title, load, render }: { token: string; title: string; load: (token: string) => Promise<T>; render: (value: T) => ReturnType<typeof h> }) {
  const [value, setValue] = useState<{ token: string; value?: T; problem?: string } | undefined>();
  const open = (event: { currentTarget: { open: boolean } }) => {
    if (!event.currentTarget.open || value?.token === token) return;
    load(token).then(
      (loaded) => setValue({ token, value: loaded }),
      (error: unknown) => setValue({ token, problem: (error as Error).message }),
    );
  };
  return h(
    'details',
    { className: 'bizgraph-panel', onToggle: open },
    h('summary', null, h('h2', { style: { display: 'inline' } }, title)),
    value?.problem ? h('p', { className: 'bizgraph-problem', role: 'alert' }, value.problem) : value?.value !== undefined ? render(value.value) : h('p', null, 'Loading…'),
  );
}

export function ScopesMatrix({ token }: { token: string }) {
  return h(Lazy<{ rows: MatrixRow[] }>, {
    token,
    title: 'Scopes matrix',
    load: readScopesMatrix,
    render: ({ rows }) =>
      h(
        'table',
        { className: 'bizgraph-table' },
        h('thead', null, h('tr', null, ...['field', 'needs', 'tags', 'subgraphs'].map((cell) => h('th', { key: cell }, cell)))),
        h(
          'tbody',
          null,
          ...rows.map((row) =>
            h(
              'tr',
              { key: row.coordinate },
              h('td', null, h('code', null, row.coordinate)),
              h('td', null, row.requires || (row.authenticated ? 'signed in' : 'none')),
              h('td', null, row.tags.join(' ')),
              h('td', null, row.subgraphs.join(', ')),
            ),
          ),
        ),
      ),
  });
}

export function Changelog({ token }: { token: string }) {
  return h(Lazy<string>, { token, title: 'Schema changelog', load: readChangelog, render: (text) => h('pre', { className: 'bizgraph-changelog' }, text) });
}

/** The latest `npm run integrity` report: orphans per reference, with examples. */
export function Integrity({ token }: { token: string }) {
  return h(Lazy<IntegrityReport>, {
    token,
    title: 'Referential integrity (latest scan)',
    load: readIntegrityReport,
    render: (report) =>
      h(
        'div',
        null,
        h('p', null, `Scanned through ${report.gateway}, finished ${new Date(report.finishedAt).toLocaleString()}.`),
        h(
          'table',
          { className: 'bizgraph-table', 'aria-label': 'Integrity' },
          h('thead', null, h('tr', null, ...['reference', 'checked', 'orphans', 'unverified', 'examples'].map((cell) => h('th', { key: cell }, cell)))),
          h(
            'tbody',
            null,
            ...report.references.map((reference) =>
              h(
                'tr',
                { key: reference.name, 'data-reference': reference.name },
                h('td', { title: reference.description }, reference.name),
                h('td', null, String(reference.checked)),
                h(
                  'td',
                  { 'data-column': 'orphans', className: reference.orphanCount > 0 ? 'bizgraph-error' : '' },
                  `${reference.orphanCount} (${(100 * reference.orphanRatio).toFixed(2)} %)`,
                ),
                h('td', null, String(reference.unverifiedCount)),
                h(
                  'td',
                  null,
                  reference.orphans
                    .slice(0, 3)
                    .map((orphan) => `${orphan.source} → ${orphan.reference}`)
                    .join(', '),
                ),
              ),
            ),
          ),
        ),
      ),
  });
}
