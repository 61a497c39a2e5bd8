import './explorer.css';
import './console.css';
import { createElement as h, StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ConsoleApiError, describeMissing, explainAccess, readSubgraphs, type AccessAnswer, type SubgraphRow } from './console-api.js';
import { AuditTrail } from './console-audit.js';
import { CatalogSearch, Changelog, Integrity, ScopesMatrix } from './console-panels.js';
import type { ExplorerConfig } from './gateway.js';
import { usePageSession } from './session.js';
import { TokenBar } from './token-bar.js';

/**
 * The governance console: the subgraphs with their owners, SLA, live state and breaker, "what can
 * this token see", the catalog with who still uses each field, the audit trail, the integrity
 * report, the scopes matrix and the changelog. Read-only; every call is an ordinary endpoint behind `governance:read`, so
 * the page shows what the token it holds may see and nothing else.
 */

const TOKEN_KEY = 'bizgraph.console.token';
const REFRESH_MS = 2000;

function problemText(error: unknown): string {
  if (error instanceof ConsoleApiError) return `${error.status}: ${error.message}`;
  return (error as Error).message;
}

function Subgraphs({ token }: { token: string }) {
  const [rows, setRows] = useState<SubgraphRow[] | undefined>();
  const [problem, setProblem] = useState('');
  useEffect(() => {
    // Without a token every call would be refused: say what is needed instead of asking.
    if (!token) {
      setRows(undefined);
      setProblem('Paste a token with governance:read (or mint the admin preset in development).');
      return;
    }
    let live = true;
    const refresh = () =>
      readSubgraphs(token).then(
        (answer) => live && (setRows(answer.subgraphs), setProblem('')),
        (error: unknown) => live && (setRows(undefined), setProblem(problemText(error))),
      );
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [token]);
  const header = ['subgraph', 'system', 'team', 'SLA', 'state', 'since', 'breaker', 'fetches (5 min)', 'errors', 'p99 ms', 'last error'];
  return h(
    'section',
    { className: 'bizgraph-panel', 'aria-label': 'Subgraphs' },
    h('h2', null, 'Subgraphs'),
    problem ? h('p', { className: 'bizgraph-problem', role: 'alert' }, problem) : null,
    rows
      ? h(
          'table',
          { className: 'bizgraph-table' },
          h('thead', null, h('tr', null, ...header.map((cell) => h('th', { key: cell }, cell)))),
          h(
            'tbody',
            null,
            ...rows.map((row) =>
              h(
                'tr',
                { key: row.name, 'data-subgraph': row.name },
                h('td', null, row.name),
                h('td', null, row.owner?.system ?? '–'),
                h('td', null, row.owner?.team ?? '–'),
                h('td', null, row.owner ? `${row.owner.sla.availability}, p99 ≤ ${row.owner.sla.latencyP99Ms} ms` : '–'),
                h('td', { className: `bizgraph-state bizgraph-state-${row.state}`, 'data-column': 'state' }, row.state),
                h('td', null, new Date(row.since).toLocaleTimeString()),
                h('td', { 'data-column': 'breaker' }, row.breaker ?? '–'),
                h('td', { 'data-column': 'attempts' }, String(row.recent?.attempts ?? 0)),
                h('td', { 'data-column': 'error-rate' }, row.recent?.errorRate == null ? '–' : `${(100 * row.recent.errorRate).toFixed(1)} %`),
                // Over the SLA's p99 (schema/owners.yaml): shown as a problem.
                h(
                  'td',
                  { 'data-column': 'p99', className: row.recent?.p99Ms != null && row.owner && row.recent.p99Ms > row.owner.sla.latencyP99Ms ? 'bizgraph-error' : '' },
                  row.recent?.p99Ms == null ? '–' : row.recent.p99Ms.toFixed(0),
                ),
                h('td', { className: 'bizgraph-error' }, row.state === 'up' ? '' : (row.error ?? '')),
              ),
            ),
          ),
        )
      : null,
  );
}

function Access({ token, config }: { token: string; config: ExplorerConfig | undefined }) {
  const [subject, setSubject] = useState('');
  const [preset, setPreset] = useState('sales');
  const [answer, setAnswer] = useState<AccessAnswer | undefined>();
  const [problem, setProblem] = useState('');
  const explain = async (asked: { token: string } | { preset: string }) => {
    setProblem('');
    try {
      setAnswer(await explainAccess(token, asked));
    } catch (error) {
      setAnswer(undefined);
      setProblem(problemText(error));
    }
  };
  const presets = config?.presets.length ? config.presets : ['sales', 'finance', 'support', 'admin'];
  const readable = answer ? Object.values(answer.explanation.read).reduce((sum, fields) => sum + fields.length, 0) : 0;
  return h(
    'section',
    { className: 'bizgraph-panel', 'aria-label': 'What can this token see' },
    h('h2', null, 'What can this token see'),
    h(
      'div',
      { className: 'bizgraph-access-ask' },
      h('textarea', {
        'aria-label': 'Token to explain',
        placeholder: 'paste the token to explain',
        value: subject,
        onChange: (event: { target: { value: string } }) => setSubject(event.target.value),
      }),
      h('button', { type: 'button', disabled: !subject.trim(), onClick: () => void explain({ token: subject.trim() }) }, 'Explain token'),
      h('span', null, 'or preset'),
      h(
        'select',
        { 'aria-label': 'Preset to explain', value: preset, onChange: (event: { target: { value: string } }) => setPreset(event.target.value) },
        ...presets.map((name) => h('option', { key: name, value: name }, name)),
      ),
      h('button', { type: 'button', onClick: () => void explain({ preset }) }, 'Explain preset'),
    ),
    problem ? h('p', { className: 'bizgraph-problem', role: 'alert' }, problem) : null,
    answer
      ? h(
          'div',
          { className: 'bizgraph-access' },
          h(
            'p',
            null,
            `${answer.principal.origin}${answer.principal.subject ? ` (${answer.principal.subject})` : ''}: scopes ${answer.principal.scopes.join(' ') || 'none'}. ${readable} fields readable, ${answer.explanation.write.length} mutations allowed.`,
          ),
          h('h3', null, `Not readable (${answer.explanation.deniedReads.length})`),
          h(
            'ul',
            { className: 'bizgraph-denied', 'aria-label': 'Not readable' },
            ...answer.explanation.deniedReads.map((field) => h('li', { key: field.coordinate }, h('code', null, field.coordinate), ' ', describeMissing(field))),
          ),
          h('h3', null, `Mutations not allowed (${answer.explanation.deniedWrites.length})`),
          h(
            'ul',
            { className: 'bizgraph-denied' },
            ...answer.explanation.deniedWrites.map((field) => h('li', { key: field.coordinate }, h('code', null, field.coordinate), ' ', describeMissing(field))),
          ),
        )
      : null,
  );
}

function Console() {
  const { token, setToken, config } = usePageSession(TOKEN_KEY);
  return h(
    'div',
    { className: 'bizgraph-console' },
    h(TokenBar, { token, config, onToken: setToken }),
    h(
      'main',
      null,
      h('h1', null, 'Governance console'),
      h(Subgraphs, { token }),
      h(Access, { token, config }),
      h(CatalogSearch, { token }),
      h(AuditTrail, { token }),
      h(Integrity, { token }),
      h(ScopesMatrix, { token }),
      h(Changelog, { token }),
    ),
  );
}

createRoot(document.getElementById('console')!).render(h(StrictMode, null, h(Console)));
