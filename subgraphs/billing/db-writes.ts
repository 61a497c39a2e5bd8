import { BILLING_MIGRATION_LOCK_KEY } from '../../systems/billing/migrations.js';
import { lockOrderIn } from '../shared/events/cancelled-orders.js';
import { money, type Money } from '../shared/money.js';
import type { Queryable } from '../shared/sql.js';
import type { InvoiceOutcome, InvoiceRequest, PaymentOutcome, PaymentRequest } from './db.js';
import { CODE_BY_METHOD, INVOICE_COLUMNS, PAYMENT_COLUMNS, STATUS_BY_CODE, toInvoice, toPayment, type InvoiceRow, type PaymentRow } from './db-rows.js';
import { recordInvoiceIssued, recordPaymentRecorded } from './events/produced.js';

/**
 * Billing's writes: each runs inside one transaction the caller opens (`db.ts`, or the event
 * consumer runtime for the handlers' writes). A write that changes something records its event
 * (`events/produced.ts`) in that same transaction; a refusal or a replay records none.
 */

/**
 * One transaction: serialize on the idempotency key, replay or refuse a reused key, lock the
 * invoice row, check it, insert the payment, settle the invoice when fully paid and record
 * `payment.recorded`. Refusals return before anything is written.
 */
export async function recordPaymentIn(tx: Queryable, request: PaymentRequest, customerId: string | null): Promise<PaymentOutcome> {
  // Two concurrent requests with one key queue here; the second then sees the first's row.
  await tx.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2::text))', [BILLING_MIGRATION_LOCK_KEY, request.idempotencyKey]);
  const previous = await tx.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM pmt p JOIN inv_header h ON h.inv_id = p.inv_id WHERE p.idempotency_key = $1`, [
    request.idempotencyKey,
  ]);
  const first = previous.rows[0];
  if (first && customerId !== null && first.crm_ref !== customerId) return { kind: 'forbidden' };
  if (first) return first.request_fingerprint === request.fingerprint ? { kind: 'replayed', payment: toPayment(first) } : { kind: 'key-reused' };

  const locked = await tx.query<{ inv_id: number; order_ref: string | null; crm_ref: string; status_cd: string; amount_cents: number; currency_cd: string }>(
    'SELECT inv_id, order_ref, crm_ref, status_cd, amount_cents, currency_cd FROM inv_header WHERE inv_no = $1 FOR UPDATE',
    [request.invoiceNumber],
  );
  const invoice = locked.rows[0];
  if (!invoice) return { kind: 'invoice-not-found' };
  if (customerId !== null && invoice.crm_ref !== customerId) return { kind: 'forbidden' };
  if (invoice.status_cd === 'V') return { kind: 'invoice-void' };
  if (invoice.currency_cd !== request.currency) return { kind: 'currency-mismatch', invoiceCurrency: invoice.currency_cd };
  const paid = await tx.query<{ paid_cents: number }>('SELECT coalesce(sum(amount_cents), 0)::bigint AS paid_cents FROM pmt WHERE inv_id = $1', [invoice.inv_id]);
  const dueCents = invoice.amount_cents - (paid.rows[0]?.paid_cents ?? 0);
  if (request.amountCents > dueCents) return { kind: 'exceeds-amount-due', amountDue: money(dueCents, invoice.currency_cd).amount };

  const inserted = await tx.query<PaymentRow>(
    `INSERT INTO pmt (inv_id, amount_cents, paid_at, method_cd, idempotency_key, request_fingerprint)
     VALUES ($1, $2, now(), $3, $4, $5)
     RETURNING pmt_id, inv_id, $7::text AS crm_ref, amount_cents, paid_at, method_cd, $6::text AS currency_cd, request_fingerprint`,
    [invoice.inv_id, request.amountCents, CODE_BY_METHOD[request.method], request.idempotencyKey, request.fingerprint, invoice.currency_cd, invoice.crm_ref],
  );
  const settled = request.amountCents === dueCents;
  if (settled) await tx.query(`UPDATE inv_header SET status_cd = 'P' WHERE inv_id = $1`, [invoice.inv_id]);
  const payment = toPayment(inserted.rows[0]!);
  const status = settled ? 'PAID' : (STATUS_BY_CODE[invoice.status_cd] ?? 'OPEN');
  await recordPaymentRecorded(tx, payment, { number: request.invoiceNumber, orderNumber: invoice.order_ref, status, settled });
  return { kind: 'recorded', payment };
}

/**
 * One transaction: serialize on the idempotency key, replay or refuse a reused key, serialize on
 * the order (two concurrent invoices for one order must not both pass the check), refuse an order
 * already invoiced, insert, record `invoice.issued`. Refusals return before anything is written.
 */
export async function issueInvoiceIn(tx: Queryable, request: InvoiceRequest): Promise<InvoiceOutcome> {
  // Keys of payments and invoices share one lock space; a collision only serializes two requests.
  await tx.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2::text))', [BILLING_MIGRATION_LOCK_KEY, request.idempotencyKey]);
  const previous = await tx.query<InvoiceRow & { request_fingerprint: string }>(`SELECT ${INVOICE_COLUMNS}, h.request_fingerprint FROM inv_header h WHERE h.idempotency_key = $1`, [
    request.idempotencyKey,
  ]);
  const first = previous.rows[0];
  if (first) return first.request_fingerprint === request.fingerprint ? { kind: 'replayed', invoice: toInvoice(first) } : { kind: 'key-reused' };

  await lockOrderIn(tx, BILLING_MIGRATION_LOCK_KEY, request.orderNumber);
  const billed = await tx.query<{ inv_no: string }>(`SELECT inv_no FROM inv_header WHERE order_ref = $1 AND status_cd <> 'V' ORDER BY inv_id LIMIT 1`, [request.orderNumber]);
  if (billed.rows[0]) return { kind: 'already-invoiced', invoiceNumber: billed.rows[0].inv_no };

  // Numbered like the seeded invoices (INV-200001 is inv_id 1), so a number never collides.
  const inserted = await tx.query<{ inv_id: number }>(
    `INSERT INTO inv_header (inv_id, inv_no, order_ref, crm_ref, status_cd, issued_on, due_on, amount_cents, currency_cd, idempotency_key, request_fingerprint)
     SELECT id, 'INV-' || (200000 + id), $1, $2, 'O', (now() AT TIME ZONE 'UTC')::date, (now() AT TIME ZONE 'UTC')::date + $3::int, $4, $5, $6, $7
     FROM (SELECT nextval('inv_header_inv_id_seq') AS id) AS next
     RETURNING inv_id`,
    [request.orderNumber, request.crmRef, request.dueInDays, request.amountCents, request.currency, request.idempotencyKey, request.fingerprint],
  );
  const created = await tx.query<InvoiceRow>(`SELECT ${INVOICE_COLUMNS} FROM inv_header h WHERE h.inv_id = $1`, [inserted.rows[0]!.inv_id]);
  const invoice = toInvoice(created.rows[0]!);
  await recordInvoiceIssued(tx, invoice);
  return { kind: 'issued', invoice };
}

/** What billing knows of a customer's account when billing an order: open or closed, and its terms. */
export interface AccountTerms {
  status: 'OPEN' | 'CLOSED';
  /** Days from the issue date to the due date. */
  termsDays: number;
}

/** The account of a CRM customer id, or null when billing has none. */
export async function accountTermsIn(tx: Queryable, crmRef: string): Promise<AccountTerms | null> {
  const { rows } = await tx.query<{ status_cd: string; terms_days: number }>('SELECT status_cd, terms_days FROM cust_acct WHERE crm_ref = $1', [crmRef]);
  const row = rows[0];
  return row ? { status: row.status_cd === 'C' ? 'CLOSED' : 'OPEN', termsDays: row.terms_days } : null;
}

/** The number of the order's invoice that is not void, or null (the order is not billed). */
export async function liveInvoiceOfOrderIn(tx: Queryable, orderNumber: string): Promise<string | null> {
  const { rows } = await tx.query<{ inv_no: string }>(`SELECT inv_no FROM inv_header WHERE order_ref = $1 AND status_cd <> 'V' ORDER BY inv_id LIMIT 1`, [orderNumber]);
  return rows[0]?.inv_no ?? null;
}

/** What voiding a cancelled order's invoice came to. */
export type VoidOutcome = { kind: 'no-invoice' } | { kind: 'voided'; invoiceNumber: string } | { kind: 'has-payments'; invoiceNumber: string; paid: Money };

/**
 * Voids the order's invoice (billing keeps at most one that is not void) unless it has a payment. Serialized with
 * `issueInvoiceIn` on the order, so a cancellation and an approval of one order applied at once
 * see each other's invoice. An invoice with payments is left alone: money received is returned by
 * a person, not by a status change.
 */
export async function voidUnpaidInvoiceOfOrderIn(tx: Queryable, orderNumber: string): Promise<VoidOutcome> {
  await lockOrderIn(tx, BILLING_MIGRATION_LOCK_KEY, orderNumber);
  const { rows } = await tx.query<{ inv_id: number; inv_no: string; currency_cd: string; paid_cents: number }>(
    `SELECT h.inv_id, h.inv_no, h.currency_cd, (SELECT coalesce(sum(p.amount_cents), 0)::bigint FROM pmt p WHERE p.inv_id = h.inv_id) AS paid_cents
     FROM inv_header h WHERE h.order_ref = $1 AND h.status_cd <> 'V' ORDER BY h.inv_id FOR UPDATE`,
    [orderNumber],
  );
  const invoice = rows[0];
  if (!invoice) return { kind: 'no-invoice' };
  if (invoice.paid_cents > 0) return { kind: 'has-payments', invoiceNumber: invoice.inv_no, paid: money(invoice.paid_cents, invoice.currency_cd) };
  await tx.query(`UPDATE inv_header SET status_cd = 'V' WHERE inv_id = $1`, [invoice.inv_id]);
  return { kind: 'voided', invoiceNumber: invoice.inv_no };
}
