import { createElement as h, useState } from 'react';
import { readAuditTrail, type AuditRow } from './console-api.js';

/** The audit trail, filtered by subject, client, coordinate and time: metadata only, never values. */
export function AuditTrail({ token }: { token: string }) {
  const [filter, setFilter] = useState({ subject: '', client: '', coordinate: '', from: '', to: '' });
  const [rows, setRows] = useState<AuditRow[] | undefined>();
  const [problem, setProblem] = useState('');
  const load = async () => {
    setProblem('');
    try {
      setRows((await readAuditTrail(token, filter)).lines);
    } catch (error) {
      setRows(undefined);
      setProblem((error as Error).message);
    }
  };
  const field = (name: keyof typeof filter, label: string, placeholder: string) =>
    h('input', {
      key: name,
      'aria-label': label,
      placeholder,
      value: filter[name],
      onChange: (event: { target: { value: string } }) => setFilter({ ...filter, [name]: event.target.value }),
    });
  return h(
    'section',
    { className: 'bizgraph-panel', 'aria-label': 'Audit trail' },
    h('h2', null, 'Audit trail'),
    h(
      'form',
      {
        className: 'bizgraph-access-ask',
        onSubmit: (event: { preventDefault(): void }) => {
          event.preventDefault();
          void load();
        },
      },
      field('subject', 'Audit subject', 'subject'),
      field('client', 'Audit client', 'client name'),
      field('coordinate', 'Audit coordinate', 'Type.field'),
      field('from', 'Audit from', 'from (ISO time)'),
      field('to', 'Audit to', 'to (ISO time)'),
      h('button', { type: 'submit', disabled: !token }, 'Show'),
    ),
    problem ? h('p', { className: 'bizgraph-problem', role: 'alert' }, problem) : null,
    rows
      ? h(
          'table',
          { className: 'bizgraph-table', 'aria-label': 'Audit lines' },
          h(
            'thead',
            null,
            h('tr', null, ...['time', 'subject', 'client', 'operation', 'outcome', 'classified delivered', 'denied', 'errors'].map((cell) => h('th', { key: cell }, cell))),
          ),
          h(
            'tbody',
            null,
            ...rows.map((row) =>
              h(
                'tr',
                { key: `${row.requestId}-${row.time}-${row.operationName ?? ''}` },
                h('td', null, new Date(row.time).toLocaleString()),
                h('td', null, row.subject ?? 'anonymous'),
                h('td', null, row.clientName ?? '–'),
                h('td', null, `${row.operationType ?? ''} ${row.operationName ?? ''}`.trim() || '–'),
                h('td', null, row.outcome),
                h('td', { 'data-column': 'classified' }, row.classified.map((item) => `${item.coordinate} ×${item.count}`).join(', ')),
                h('td', null, row.denied.join(', ')),
                h('td', null, row.errorCodes.join(', ')),
              ),
            ),
          ),
        )
      : null,
    rows?.length === 0 ? h('p', null, 'No audit line matches.') : null,
  );
}
