import type { CountedConnection } from '../shared/connection.js';
import type { Money } from '../shared/money.js';

// Same unions as the generated enum types; declared here so models do not import generated code
// (the generated code imports these models as mappers).
export type InvoiceStatus = 'OPEN' | 'PAID' | 'OVERDUE' | 'VOID';
export type PaymentMethod = 'CARD' | 'BANK_TRANSFER' | 'DIRECT_DEBIT' | 'CHEQUE';
export type PaymentStatus = 'NOT_INVOICED' | 'UNPAID' | 'PARTIALLY_PAID' | 'PAID' | 'VOID';

/** An invoice as the resolvers see it: clean enums, ISO dates, Money, and the sums behind them. */
export interface InvoiceModel {
  id: string;
  number: string;
  status: InvoiceStatus;
  issuedAt: string;
  dueAt: string;
  amount: Money;
  /** Amount minus payments received. */
  amountDue: Money;
  amountCents: number;
  paidCents: number;
  currency: string;
  /** ERP order number (may name an order the ERP never issued). */
  orderNumber: string;
  /** CRM customer id (may name a customer the CRM does not have). */
  crmRef: string;
}

export interface PaymentModel {
  id: string;
  /** Public id of the invoice paid. */
  invoiceId: string;
  /** CRM customer id of the invoice paid: the owner the row-level rule checks. */
  crmRef: string;
  amount: Money;
  paidAt: string;
  method: PaymentMethod;
}

/** A billing account: balance over non-void invoices in the account's currency, credit limit. */
export interface AccountModel {
  crmRef: string;
  balance: Money;
  creditLimit: Money;
}

/** Entities owned elsewhere, as billing knows them: just their keys. */
export interface OrderRef {
  number: string;
}
export interface CustomerRef {
  id: string;
}

/** How far an order's invoice is paid; `null` when billing has no invoice for the order. */
export function paymentStatusOf(invoice: InvoiceModel | null): PaymentStatus {
  if (!invoice) return 'NOT_INVOICED';
  if (invoice.status === 'VOID') return 'VOID';
  if (invoice.paidCents >= invoice.amountCents) return 'PAID';
  return invoice.paidCents > 0 ? 'PARTIALLY_PAID' : 'UNPAID';
}

/** A page of invoices (root list or one customer's), its total counted only when selected. */
export type InvoiceConnectionModel = CountedConnection<InvoiceModel>;
