import { recordEvent } from '../../shared/events/outbox.js';
import type { Money } from '../../shared/money.js';
import type { Queryable } from '../../shared/sql.js';
import type { InvoiceModel, InvoiceStatus, PaymentMethod, PaymentModel } from '../models.js';

/**
 * The events billing produces (issue 17), written to its outbox inside the transaction of the
 * write they describe. Their payloads are a contract other systems code against, documented in
 * `schema/events/<type>.v1.json`: a breaking change is a new version, never an edit. Both are
 * events of the invoice (aggregate `Invoice` / its number), so one invoice's events keep their order.
 */

export const BILLING_SOURCE = 'billing';

/** `invoice.issued` v1: an invoice was issued (issueInvoice, or the consumer of `order.approved`). */
export type InvoiceIssuedV1 = {
  invoiceNumber: string;
  /** The ERP order billed; null for an invoice of no order. */
  orderNumber: string | null;
  /** The CRM customer id billed. */
  customerId: string;
  amount: Money;
  /** ISO 8601; billing dates invoices by day, so midnight UTC of the issue date. */
  issuedAt: string;
  /** ISO 8601, midnight UTC of the due date. */
  dueAt: string;
};

/** `payment.recorded` v1: a payment was recorded against an invoice (recordPayment). */
export type PaymentRecordedV1 = {
  paymentId: string;
  invoiceNumber: string;
  orderNumber: string | null;
  customerId: string;
  amount: Money;
  paidAt: string;
  method: PaymentMethod;
  /** The invoice's status after the payment. */
  invoiceStatus: InvoiceStatus;
  /** The invoice is fully paid after the payment. */
  settled: boolean;
};

const invoiceAggregate = (invoiceNumber: string) => ({ type: 'Invoice', key: invoiceNumber });

export function invoiceIssuedPayload(invoice: InvoiceModel): InvoiceIssuedV1 {
  return {
    invoiceNumber: invoice.number,
    orderNumber: invoice.orderNumber,
    customerId: invoice.crmRef,
    amount: invoice.amount,
    issuedAt: invoice.issuedAt,
    dueAt: invoice.dueAt,
  };
}

/** The invoice a payment was recorded against, as it stands after the payment. */
export interface PaidInvoice {
  number: string;
  orderNumber: string | null;
  status: InvoiceStatus;
  settled: boolean;
}

export function paymentRecordedPayload(payment: PaymentModel, invoice: PaidInvoice): PaymentRecordedV1 {
  return {
    paymentId: payment.id,
    invoiceNumber: invoice.number,
    orderNumber: invoice.orderNumber,
    customerId: payment.crmRef,
    amount: payment.amount,
    paidAt: payment.paidAt,
    method: payment.method,
    invoiceStatus: invoice.status,
    settled: invoice.settled,
  };
}

/** Writes `invoice.issued` v1 to the outbox in `tx`, the transaction that inserted the invoice. */
export const recordInvoiceIssued = (tx: Queryable, invoice: InvoiceModel) =>
  recordEvent(tx, { type: 'invoice.issued', version: 1, source: BILLING_SOURCE, aggregate: invoiceAggregate(invoice.number), payload: invoiceIssuedPayload(invoice) });

/** Writes `payment.recorded` v1 to the outbox in `tx`, the transaction that inserted the payment. */
export const recordPaymentRecorded = (tx: Queryable, payment: PaymentModel, invoice: PaidInvoice) =>
  recordEvent(tx, {
    type: 'payment.recorded',
    version: 1,
    source: BILLING_SOURCE,
    aggregate: invoiceAggregate(invoice.number),
    payload: paymentRecordedPayload(payment, invoice),
  });
