import { createElement as h, useState } from 'react';
import { ReportReceivablesAgingDocument, type AgingBucket, type ReportReceivablesAgingQuery } from '../../../schema/operations/reporting/__generated__/graphql.js';
import { Chart } from './chart.js';
import { runOperation } from './client.js';
import { DateForm } from './date-form.js';
import type { Column } from './csv.js';
import { formatAmount } from './money.js';
import { DataTable, Panel, useLoad } from './panel.js';

/** Receivables aging: what customers owe now, by how long it is past due, per currency (billing's `receivablesAging`). */

type AgingRow = NonNullable<ReportReceivablesAgingQuery['receivablesAging']>['buckets'][number];

export const BUCKETS: Record<AgingBucket, string> = {
  CURRENT: 'Not yet due',
  DAYS_1_30: '1–30 days',
  DAYS_31_60: '31–60 days',
  DAYS_61_90: '61–90 days',
  OVER_90: 'Over 90 days',
};

const COLUMNS: Column<AgingRow>[] = [
  { key: 'bucket', label: 'Past due', value: (row) => BUCKETS[row.bucket] },
  { key: 'currency', label: 'Currency', value: (row) => row.currency },
  { key: 'invoices', label: 'Invoices', value: (row) => row.invoices },
  { key: 'amountDue', label: 'Amount due', value: (row) => row.amountDue.amount },
];

/** Short enough to stand under a bar. */
const BUCKET_TICKS: Record<AgingBucket, string> = { CURRENT: 'current', DAYS_1_30: '1–30', DAYS_31_60: '31–60', DAYS_61_90: '61–90', OVER_90: '> 90' };

export function AgingPage({ token }: { token: string }) {
  // Empty: now by this browser's clock, taken at each reading. A date ages at its midnight UTC, as billing reads a date alone.
  const [asOf, setAsOf] = useState('');
  const [draft, setDraft] = useState('');
  const aging = useLoad(token ? () => runOperation(ReportReceivablesAgingDocument, { asOf: asOf || new Date().toISOString() }, token) : undefined, `${token}|${asOf}`);
  const answer = aging.state === 'done' ? aging.loaded.data?.receivablesAging : undefined;
  const rows = answer?.buckets ?? [];
  const currencies = [...new Set(rows.map((row) => row.currency))].sort();
  const buckets = Object.keys(BUCKETS) as AgingBucket[];
  return h(
    'div',
    null,
    h(DateForm, {
      fields: [{ id: 'report-as-of', label: 'Age at', value: draft, onChange: setDraft }],
      submit: 'Age',
      hint: 'Empty: now. Invoices issued by then, less the payments received by then.',
      onSubmit: () => setAsOf(draft),
    }),
    h(
      Panel,
      { id: 'aging', title: answer ? `Receivables aging at ${answer.asOf.slice(0, 10)}` : 'Receivables aging', systems: ['billing'], state: aging },
      h(
        'div',
        { className: 'report-charts' },
        ...currencies.map((currency) =>
          h(Chart, {
            key: currency,
            title: `Amount due by days past due, ${currency}`,
            kind: 'bars',
            categories: buckets.map((bucket) => BUCKET_TICKS[bucket]),
            series: [
              {
                label: `amount due (${currency})`,
                values: buckets.map((bucket) => {
                  const row = rows.find((candidate) => candidate.currency === currency && candidate.bucket === bucket);
                  return row ? Number(row.amountDue.amount) : 0;
                }),
              },
            ],
          }),
        ),
      ),
      answer &&
        h(DataTable<AgingRow>, {
          caption: 'Amount due per bucket and currency',
          filename: `receivables-aging-${answer?.asOf.slice(0, 10) ?? 'now'}`,
          columns: COLUMNS,
          rows,
          display: { amountDue: (row) => formatAmount(row.amountDue.amount) },
        }),
    ),
  );
}
