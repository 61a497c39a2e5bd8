import { PGlite } from '@electric-sql/pglite';
import type { Dataset } from '../../systems/seed/types.js';

/**
 * What the executive report must show, computed from the seed data set here, independently of the
 * subgraphs and of the page: revenue with SQL over the seed's invoices and payments loaded into a
 * PGlite of the test's own, the order-to-cash checks and the customers at risk from the seed's
 * legacy codes (ERP A/S/F/D/X, billing O/P/D/V).
 */

export interface RevenueExpectation {
  month: string;
  currency: string;
  invoices: number;
  invoicedCents: number;
  paidCents: number;
}

/** `SUM` per month and currency of the invoices issued in [from, to) that are not void, and of their payments. */
export async function revenueBySql(dataset: Dataset, from: string, to: string): Promise<RevenueExpectation[]> {
  const db = new PGlite();
  try {
    await db.exec('CREATE TABLE invoices (id text, status text, issued_on date, amount_cents bigint, currency text); CREATE TABLE payments (invoice_id text, amount_cents bigint)');
    await db.query('INSERT INTO invoices SELECT * FROM json_to_recordset($1::json) AS x(id text, status text, issued_on date, amount_cents bigint, currency text)', [
      JSON.stringify(
        dataset.invoices.map((invoice) => ({
          id: invoice.id,
          status: invoice.statusCode,
          issued_on: invoice.issuedOn,
          amount_cents: invoice.amountCents,
          currency: invoice.currency,
        })),
      ),
    ]);
    await db.query('INSERT INTO payments SELECT * FROM json_to_recordset($1::json) AS x(invoice_id text, amount_cents bigint)', [
      JSON.stringify(dataset.payments.map((payment) => ({ invoice_id: payment.invoiceId, amount_cents: payment.amountCents }))),
    ]);
    const { rows } = await db.query<{ month: string; currency: string; invoices: number; invoiced: string; paid: string }>(
      `SELECT to_char(i.issued_on, 'YYYY-MM') AS month, i.currency, count(*)::int AS invoices,
              sum(i.amount_cents)::text AS invoiced, coalesce(sum(p.paid), 0)::text AS paid
         FROM invoices i LEFT JOIN (SELECT invoice_id, sum(amount_cents) AS paid FROM payments GROUP BY invoice_id) p ON p.invoice_id = i.id
        WHERE i.status <> 'V' AND i.issued_on >= $1::date AND i.issued_on < $2::date
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [from, to],
    );
    return rows.map((row) => ({ month: row.month, currency: row.currency, invoices: row.invoices, invoicedCents: Number(row.invoiced), paidCents: Number(row.paid) }));
  } finally {
    await db.close();
  }
}

export type OrderToCashCheck = 'approved-not-invoiced' | 'invoiced-not-shipped' | 'shipped-unpaid' | 'erp-shipped-no-parcel';

/** The order numbers each order-to-cash check flags, over every order the ERP holds. */
export function orderToCashBySeed(dataset: Dataset): Record<OrderToCashCheck, Set<string>> {
  const invoiceOf = new Map<string, { statusCode: string; issuedOn: string }>();
  for (const invoice of dataset.invoices) {
    if (invoice.statusCode === 'V') continue;
    const known = invoiceOf.get(invoice.orderNumber);
    if (!known || invoice.issuedOn > known.issuedOn) invoiceOf.set(invoice.orderNumber, invoice);
  }
  const parcels = new Set(dataset.shipments.map((shipment) => shipment.orderNumber));
  const result: Record<OrderToCashCheck, Set<string>> = {
    'approved-not-invoiced': new Set(),
    'invoiced-not-shipped': new Set(),
    'shipped-unpaid': new Set(),
    'erp-shipped-no-parcel': new Set(),
  };
  for (const order of dataset.orders) {
    const invoice = invoiceOf.get(order.number);
    const shipped = parcels.has(order.number);
    if (['A', 'S', 'F'].includes(order.statusCode) && !invoice) result['approved-not-invoiced'].add(order.number);
    if (invoice && !shipped) result['invoiced-not-shipped'].add(order.number);
    if (invoice && shipped && invoice.statusCode !== 'P') result['shipped-unpaid'].add(order.number);
    if (['S', 'F'].includes(order.statusCode) && !shipped) result['erp-shipped-no-parcel'].add(order.number);
  }
  return result;
}

/** Customers with an open (NEW, OPEN, PENDING) HIGH or URGENT ticket, by requester email, and an overdue invoice. */
export function customersAtRiskBySeed(dataset: Dataset): string[] {
  const byEmail = new Map(dataset.customers.map((customer) => [customer.email.toLowerCase(), customer.id]));
  const known = new Set(dataset.customers.map((customer) => customer.id));
  const withTickets = new Set(
    dataset.tickets
      .filter((ticket) => ['HIGH', 'URGENT'].includes(ticket.priority) && ['NEW', 'OPEN', 'PENDING'].includes(ticket.status))
      .flatMap((ticket) => byEmail.get(ticket.requesterEmail.toLowerCase()) ?? []),
  );
  const overdue = new Set(dataset.invoices.filter((invoice) => invoice.statusCode === 'D' && known.has(invoice.crmRef)).map((invoice) => invoice.crmRef));
  return [...withTickets].filter((id) => overdue.has(id)).sort();
}

/** The report's names of the aging buckets, by whole days past due (due that day is not yet due). */
function agingBucket(daysPastDue: number): string {
  if (daysPastDue <= 0) return 'Not yet due';
  if (daysPastDue <= 30) return '1–30 days';
  if (daysPastDue <= 60) return '31–60 days';
  if (daysPastDue <= 90) return '61–90 days';
  return 'Over 90 days';
}

/**
 * What was owed at `asOf` per bucket and currency (`Over 90 days EUR`): invoices not void issued by
 * then, less the payments received by then, aged by whole days past their due date.
 */
export function agingBySeed(dataset: Dataset, asOf: string): Map<string, { invoices: number; dueCents: number }> {
  const paid = new Map<string, number>();
  for (const payment of dataset.payments) if (payment.paidAt <= asOf) paid.set(payment.invoiceId, (paid.get(payment.invoiceId) ?? 0) + payment.amountCents);
  const totals = new Map<string, { invoices: number; dueCents: number }>();
  for (const invoice of dataset.invoices) {
    const due = invoice.amountCents - (paid.get(invoice.id) ?? 0);
    if (invoice.statusCode === 'V' || `${invoice.issuedOn}T00:00:00.000Z` > asOf || due <= 0) continue;
    const days = Math.floor((Date.parse(asOf) - Date.parse(`${invoice.dueOn}T00:00:00Z`)) / 86_400_000);
    const key = `${agingBucket(days)} ${invoice.currency}`;
    const total = totals.get(key) ?? { invoices: 0, dueCents: 0 };
    total.invoices += 1;
    total.dueCents += due;
    totals.set(key, total);
  }
  return totals;
}
