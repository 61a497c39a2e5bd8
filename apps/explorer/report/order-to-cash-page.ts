import { createElement as h } from 'react';
import { ReportOrderToCashDocument } from '../../../schema/operations/reporting/__generated__/graphql.js';
import { missingSystems, problemsOf } from './answers.js';
import { runAllPages } from './client.js';
import type { Column } from './csv.js';
import { formatAmount } from './money.js';
import { runChecks, systemOfOrderField, type CheckResult, type OrderFacts } from './order-to-cash.js';
import { DataTable, Panel, useLoad } from './panel.js';

/**
 * Order-to-cash consistency: every order of the ERP (paged, 500 an answer) with its invoice from
 * billing and its parcels from the carrier, put through the checks of order-to-cash.ts. A check
 * that needs a system the answer lacks says so instead of counting.
 */

interface FlaggedOrder {
  check: string;
  order: OrderFacts;
}

/** Why a system's facts are missing: it failed, or this token may not read them. */
type MissingReasons = ReadonlyMap<string, string>;

const summaryColumns = (reasons: MissingReasons): Column<CheckResult>[] => [
  { key: 'check', label: 'Check', value: (result) => result.check.title },
  { key: 'systems', label: 'Systems compared', value: (result) => result.check.systems.join(' / ') },
  {
    key: 'orders',
    label: 'Orders',
    value: (result) => (result.flagged ? result.flagged.length : `not checked: ${result.missing.map((system) => `${system} ${reasons.get(system) ?? 'unavailable'}`).join(', ')}`),
  },
  {
    key: 'examples',
    label: 'Examples',
    value: (result) =>
      (result.flagged ?? [])
        .slice(0, 3)
        .map((order) => order.number)
        .join(' '),
  },
  { key: 'rule', label: 'Rule', value: (result) => result.check.rule },
];

/** `–` where a system's facts are missing: "none" would claim that system has nothing for the order. */
const orderColumns = (missing: ReadonlySet<string>): Column<FlaggedOrder>[] => [
  { key: 'check', label: 'Check', value: (row) => row.check },
  { key: 'number', label: 'Order (ERP)', value: (row) => row.order.number },
  { key: 'customer', label: 'Customer', value: (row) => row.order.customer?.id },
  { key: 'placedAt', label: 'Placed', value: (row) => row.order.placedAt.slice(0, 10) },
  { key: 'status', label: 'ERP status', value: (row) => row.order.status },
  { key: 'total', label: 'Total', value: (row) => row.order.total.amount },
  { key: 'currency', label: 'Currency', value: (row) => row.order.total.currency },
  {
    key: 'invoice',
    label: 'Invoice (billing)',
    value: (row) => (missing.has('billing') ? '–' : row.order.invoice ? `${row.order.invoice.number} ${row.order.invoice.status}` : 'none'),
  },
  {
    key: 'parcels',
    label: 'Parcels (carrier)',
    value: (row) => (missing.has('logistics') ? '–' : (row.order.shipments ?? []).map((parcel) => `${parcel.trackingNumber} ${parcel.status}`).join('; ') || 'none'),
  },
];

export function OrderToCashPage({ token }: { token: string }) {
  const orders = useLoad(token ? () => runAllPages(ReportOrderToCashDocument, {}, token, (data) => data.orders) : undefined, token);
  const loaded = orders.state === 'done' ? orders.loaded : undefined;
  const problems = loaded ? problemsOf(loaded.errors) : undefined;
  const missing = problems ? missingSystems(problems, systemOfOrderField) : new Set<string>();
  const reasons: MissingReasons = new Map([...missing].map((system) => [system, problems?.unavailable.has(system) ? 'unavailable' : 'not readable with this token']));
  const results = loaded?.data ? runChecks(loaded.data, missing) : [];
  const flagged = results.flatMap((result) => (result.flagged ?? []).map((order) => ({ check: result.check.title, order })));
  return h(
    Panel,
    { id: 'order-to-cash', title: 'Order-to-cash consistency', systems: ['erp', 'billing', 'logistics'], state: orders },
    h(
      'p',
      { className: 'report-hint' },
      `${loaded?.data?.length ?? 0} orders read from the ERP${missing.size > 0 ? `, without what ${[...missing].sort().join(' and ')} would say of them` : ', each with its invoice and parcels'}.`,
    ),
    loaded?.data &&
      h(DataTable<CheckResult>, { caption: 'Checks', filename: 'order-to-cash-checks', columns: summaryColumns(reasons), rows: results, rowKey: (result) => result.check.id }),
    loaded?.data &&
      h(DataTable<FlaggedOrder>, {
        caption: 'Orders flagged',
        filename: 'order-to-cash-orders',
        columns: orderColumns(missing),
        rows: flagged,
        limit: 200,
        display: { total: (row) => formatAmount(row.order.total.amount) },
      }),
  );
}
