import { createElement as h } from 'react';
import {
  ReportHighPriorityTicketsDocument,
  ReportOverdueInvoicesDocument,
  type ReportHighPriorityTicketsQuery,
  type ReportOverdueInvoicesQuery,
} from '../../../schema/operations/reporting/__generated__/graphql.js';
import type { Answer } from './client.js';
import { runAllPages } from './client.js';
import type { Column } from './csv.js';
import { fromCents, toCents } from './money.js';
import { DataTable, Panel, useLoad, type LoadState } from './panel.js';

/**
 * Customers at risk: those with an open high-priority ticket at the support desk (NEW, OPEN or
 * PENDING; HIGH or URGENT) and an overdue invoice in billing. The tickets and the overdue invoices
 * are panels of their own, so either still shows when the other system is down.
 */

type Ticket = NonNullable<ReportHighPriorityTicketsQuery['tickets']>['nodes'][number];
type Invoice = NonNullable<ReportOverdueInvoicesQuery['invoices']>['nodes'][number];

const OPEN = new Set(['NEW', 'OPEN', 'PENDING']);

interface CustomerRisk {
  id: string;
  name: string;
  tickets: Ticket[];
  invoices: Invoice[];
}

/** `1,234.00 EUR; 50.00 USD`: what the customer's overdue invoices still owe, per currency. */
function owed(invoices: readonly Invoice[]): string {
  const totals = new Map<string, number>();
  for (const invoice of invoices) totals.set(invoice.amountDue.currency, (totals.get(invoice.amountDue.currency) ?? 0) + toCents(invoice.amountDue.amount));
  return [...totals]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, cents]) => `${fromCents(cents)} ${currency}`)
    .join('; ');
}

function byCustomer<T extends { customer: { id: string; name: string } | null }>(items: readonly T[]): Map<string, { name: string; items: T[] }> {
  const grouped = new Map<string, { name: string; items: T[] }>();
  for (const item of items) {
    if (!item.customer) continue;
    const entry = grouped.get(item.customer.id) ?? { name: item.customer.name, items: [] };
    entry.items.push(item);
    grouped.set(item.customer.id, entry);
  }
  return grouped;
}

const RISK_COLUMNS: Column<CustomerRisk>[] = [
  { key: 'customer', label: 'Customer', value: (row) => row.id },
  { key: 'name', label: 'Name', value: (row) => row.name },
  { key: 'tickets', label: 'Open high-priority tickets', value: (row) => row.tickets.length },
  { key: 'ticketIds', label: 'Tickets', value: (row) => row.tickets.map((ticket) => ticket.id).join(' ') },
  { key: 'invoices', label: 'Overdue invoices', value: (row) => row.invoices.length },
  { key: 'owed', label: 'Amount due', value: (row) => owed(row.invoices) },
];

const TICKET_COLUMNS: Column<Ticket>[] = [
  { key: 'id', label: 'Ticket', value: (ticket) => ticket.id },
  { key: 'priority', label: 'Priority', value: (ticket) => ticket.priority },
  { key: 'status', label: 'Status', value: (ticket) => ticket.status },
  { key: 'createdAt', label: 'Opened', value: (ticket) => ticket.createdAt.slice(0, 10) },
  { key: 'customer', label: 'Customer', value: (ticket) => ticket.customer?.id ?? 'unknown requester' },
  { key: 'subject', label: 'Subject', value: (ticket) => ticket.subject },
];

const INVOICE_COLUMNS: Column<Invoice>[] = [
  { key: 'number', label: 'Invoice', value: (invoice) => invoice.number },
  { key: 'dueAt', label: 'Due', value: (invoice) => invoice.dueAt.slice(0, 10) },
  { key: 'amountDue', label: 'Amount due', value: (invoice) => invoice.amountDue.amount },
  { key: 'currency', label: 'Currency', value: (invoice) => invoice.amountDue.currency },
  { key: 'customer', label: 'Customer', value: (invoice) => invoice.customer?.id ?? 'unknown' },
];

async function openHighPriorityTickets(token: string): Promise<Answer<Ticket[]>> {
  const [high, urgent] = await Promise.all(
    (['HIGH', 'URGENT'] as const).map((priority) => runAllPages(ReportHighPriorityTicketsDocument, { priority }, token, (data) => data.tickets)),
  );
  const tickets = high!.data && urgent!.data ? [...urgent!.data, ...high!.data].filter((ticket) => OPEN.has(ticket.status)) : null;
  return { data: tickets, errors: [...high!.errors, ...urgent!.errors], sources: [...high!.sources, ...urgent!.sources] };
}

export function CustomersAtRiskPage({ token }: { token: string }) {
  const tickets = useLoad(token ? () => openHighPriorityTickets(token) : undefined, token);
  const invoices = useLoad(token ? () => runAllPages(ReportOverdueInvoicesDocument, {}, token, (data) => data.invoices) : undefined, token);
  const ticketList = tickets.state === 'done' ? (tickets.loaded.data ?? []) : [];
  const invoiceList = invoices.state === 'done' ? (invoices.loaded.data ?? []) : [];
  const overdueByCustomer = byCustomer(invoiceList);
  const risks: CustomerRisk[] = [...byCustomer(ticketList)]
    .filter(([id]) => overdueByCustomer.has(id))
    .map(([id, entry]) => ({ id, name: entry.name, tickets: entry.items, invoices: overdueByCustomer.get(id)!.items }))
    .sort((a, b) => a.id.localeCompare(b.id));
  // The intersection needs both answers: it waits for both and reports both systems' problems.
  const combined: LoadState<unknown> =
    tickets.state !== 'done'
      ? tickets
      : invoices.state !== 'done'
        ? invoices
        : {
            state: 'done',
            loaded: { data: null, errors: [...tickets.loaded.errors, ...invoices.loaded.errors], sources: [...tickets.loaded.sources, ...invoices.loaded.sources] },
          };
  return h(
    'div',
    null,
    h(
      Panel,
      { id: 'customers-at-risk', title: 'Customers with open high-priority tickets and overdue invoices', systems: ['support', 'billing', 'crm'], state: combined },
      // Both lists are needed: without one, no customer can be said to be in both.
      tickets.state === 'done' && tickets.loaded.data && invoices.state === 'done' && invoices.loaded.data
        ? h(DataTable<CustomerRisk>, { caption: 'Customers at risk', filename: 'customers-at-risk', columns: RISK_COLUMNS, rows: risks, rowKey: (row) => row.id })
        : h('p', { className: 'report-hint' }, 'Not computed: it needs both the tickets and the overdue invoices.'),
    ),
    h(
      Panel,
      { id: 'high-priority-tickets', title: 'Open high-priority tickets', systems: ['support', 'crm'], state: tickets },
      tickets.state === 'done' &&
        tickets.loaded.data &&
        h(DataTable<Ticket>, { caption: 'Open HIGH and URGENT tickets', filename: 'open-high-priority-tickets', columns: TICKET_COLUMNS, rows: ticketList, limit: 200 }),
    ),
    h(
      Panel,
      { id: 'overdue-invoices', title: 'Overdue invoices', systems: ['billing', 'crm'], state: invoices },
      invoices.state === 'done' &&
        invoices.loaded.data &&
        h(DataTable<Invoice>, { caption: 'Invoices past due and not paid', filename: 'overdue-invoices', columns: INVOICE_COLUMNS, rows: invoiceList, limit: 200 }),
    ),
  );
}
