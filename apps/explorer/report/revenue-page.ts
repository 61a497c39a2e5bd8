import { createElement as h, useState } from 'react';
import {
  ReportRevenueByMonthDocument,
  ReportSalesByMonthDocument,
  type ReportRevenueByMonthQuery,
  type ReportSalesByMonthQuery,
} from '../../../schema/operations/reporting/__generated__/graphql.js';
import { Chart } from './chart.js';
import { DateForm } from './date-form.js';
import { runOperation } from './client.js';
import type { Column } from './csv.js';
import { formatAmount, fromCents, totalsByCurrency } from './money.js';
import { DataTable, Panel, useLoad, type LoadState } from './panel.js';

/**
 * Revenue by month: what billing invoiced, was paid and is still owed per month of issue and
 * currency (billing's `revenue`), beside the order intake the ERP booked (`salesSummary`), so the
 * ERP half still shows when billing is down.
 */

type RevenueRow = NonNullable<ReportRevenueByMonthQuery['revenue']>['rows'][number];
type SalesRow = NonNullable<ReportSalesByMonthQuery['salesSummary']>['rows'][number];

/** A revenue row or a per-currency total (month "Total"). */
interface RevenueLine {
  month: string;
  currency: string;
  invoices: number;
  invoiced: string;
  paid: string;
  outstanding: string;
}

const REVENUE_COLUMNS: Column<RevenueLine>[] = [
  { key: 'month', label: 'Month', value: (row) => row.month },
  { key: 'currency', label: 'Currency', value: (row) => row.currency },
  { key: 'invoices', label: 'Invoices', value: (row) => row.invoices },
  { key: 'invoiced', label: 'Invoiced', value: (row) => row.invoiced },
  { key: 'paid', label: 'Paid', value: (row) => row.paid },
  { key: 'outstanding', label: 'Outstanding', value: (row) => row.outstanding },
];
const AMOUNTS = {
  invoiced: (row: RevenueLine) => formatAmount(row.invoiced),
  paid: (row: RevenueLine) => formatAmount(row.paid),
  outstanding: (row: RevenueLine) => formatAmount(row.outstanding),
};

const SALES_COLUMNS: Column<SalesRow>[] = [
  { key: 'month', label: 'Month', value: (row) => row.month },
  { key: 'currency', label: 'Currency', value: (row) => row.currency },
  { key: 'orders', label: 'Orders', value: (row) => row.orders },
  { key: 'total', label: 'Order total', value: (row) => row.total.amount },
];

/** The default period: the last two calendar years and this year so far, in UTC. */
export function defaultPeriod(now = new Date()): { from: string; to: string } {
  const year = now.getUTCFullYear();
  const nextMonth = new Date(Date.UTC(year, now.getUTCMonth() + 1, 1));
  return { from: `${year - 2}-01-01`, to: nextMonth.toISOString().slice(0, 10) };
}

/** An empty table would read as "no revenue": without billing's answer there is none to show. */
function revenueAnswered(state: LoadState<ReportRevenueByMonthQuery>): boolean {
  return state.state === 'done' && Boolean(state.loaded.data?.revenue);
}

function revenueLines(rows: readonly RevenueRow[]): RevenueLine[] {
  return rows.map((row) => ({
    month: row.month ?? '',
    currency: row.currency,
    invoices: row.invoices,
    invoiced: row.invoiced.amount,
    paid: row.paid.amount,
    outstanding: row.outstanding.amount,
  }));
}

function totalLines(lines: readonly RevenueLine[]): RevenueLine[] {
  const currencies = [...new Set(lines.map((line) => line.currency))].sort();
  const sum = (amount: (line: RevenueLine) => string) => totalsByCurrency(lines, (line) => line.currency, amount);
  const [invoiced, paid, outstanding] = [sum((line) => line.invoiced), sum((line) => line.paid), sum((line) => line.outstanding)];
  return currencies.map((currency) => ({
    month: 'Total',
    currency,
    invoices: lines.filter((line) => line.currency === currency).reduce((count, line) => count + line.invoices, 0),
    invoiced: fromCents(invoiced.get(currency)!),
    paid: fromCents(paid.get(currency)!),
    outstanding: fromCents(outstanding.get(currency)!),
  }));
}

/** One chart per currency: invoiced and paid per month. */
function RevenueCharts({ lines }: { lines: RevenueLine[] }) {
  const months = [...new Set(lines.map((line) => line.month))].sort();
  const currencies = [...new Set(lines.map((line) => line.currency))].sort();
  const valueOf = (currency: string, month: string, amount: 'invoiced' | 'paid') => {
    const line = lines.find((candidate) => candidate.currency === currency && candidate.month === month);
    return line ? Number(line[amount]) : null;
  };
  return h(
    'div',
    { className: 'report-charts' },
    ...currencies.map((currency) =>
      h(Chart, {
        key: currency,
        title: `Invoiced and paid per month, ${currency}`,
        kind: 'line',
        categories: months,
        series: (['invoiced', 'paid'] as const).map((amount) => ({ label: `${amount} (${currency})`, values: months.map((month) => valueOf(currency, month, amount)) })),
      }),
    ),
  );
}

export function RevenuePage({ token }: { token: string }) {
  const [period, setPeriod] = useState(defaultPeriod);
  const [draft, setDraft] = useState(period);
  const key = `${token}|${period.from}|${period.to}`;
  const revenue = useLoad(token ? () => runOperation(ReportRevenueByMonthDocument, period, token) : undefined, key);
  const sales = useLoad(token ? () => runOperation(ReportSalesByMonthDocument, period, token) : undefined, key);
  const lines = revenue.state === 'done' && revenue.loaded.data?.revenue ? revenueLines(revenue.loaded.data.revenue.rows) : [];
  const salesRows = sales.state === 'done' ? (sales.loaded.data?.salesSummary?.rows ?? []) : [];
  const truncated = revenue.state === 'done' && revenue.loaded.data?.revenue?.truncated;
  return h(
    'div',
    null,
    h(DateForm, {
      fields: [
        { id: 'report-from', label: 'From', value: draft.from, onChange: (from: string) => setDraft((last) => ({ ...last, from })) },
        { id: 'report-to', label: 'to (exclusive)', value: draft.to, onChange: (to: string) => setDraft((last) => ({ ...last, to })) },
      ],
      submit: 'Show period',
      hint: 'Months are UTC; each currency stands alone (no conversion).',
      onSubmit: () => setPeriod(draft),
    }),
    h(
      Panel,
      { id: 'revenue', title: 'Revenue by month', systems: ['billing'], state: revenue, notes: truncated ? ['More months exist than one answer holds: narrow the period.'] : [] },
      lines.length > 0 ? h(RevenueCharts, { lines }) : null,
      revenueAnswered(revenue) &&
        h(DataTable<RevenueLine>, {
          caption: `Invoiced, paid and outstanding per month, ${period.from} to ${period.to}`,
          filename: `revenue-by-month-${period.from}-${period.to}`,
          columns: REVENUE_COLUMNS,
          rows: lines,
          footer: totalLines(lines),
          display: AMOUNTS,
          rowKey: (line) => `${line.month} ${line.currency}`,
        }),
    ),
    h(
      Panel,
      { id: 'sales', title: 'Order intake by month', systems: ['erp'], state: sales },
      sales.state === 'done' &&
        sales.loaded.data?.salesSummary &&
        h(DataTable<SalesRow>, {
          caption: `Orders placed per month (cancelled left out), ${period.from} to ${period.to}`,
          filename: `order-intake-by-month-${period.from}-${period.to}`,
          columns: SALES_COLUMNS,
          rows: salesRows,
          display: { total: (row) => formatAmount(row.total.amount) },
        }),
    ),
  );
}
