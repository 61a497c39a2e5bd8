import type { Dataset, SeedInvoice } from '../../../systems/seed/types.js';

/**
 * What the billing subgraph should answer, derived from the data set independently of the
 * subgraph's own code.
 */

const STATUS: Record<string, string> = { O: 'OPEN', P: 'PAID', D: 'OVERDUE', V: 'VOID' };
const METHOD: Record<string, string> = { CC: 'CARD', BT: 'BANK_TRANSFER', DD: 'DIRECT_DEBIT', CK: 'CHEQUE' };

export const decimal = (cents: number) => (cents / 100).toFixed(2);
export const moneyOf = (cents: number, currency: string) => ({ amount: decimal(cents), currency });

export function paymentsOf(dataset: Dataset, invoice: SeedInvoice) {
  return dataset.payments.filter((payment) => payment.invoiceId === invoice.id).sort((a, b) => a.paidAt.localeCompare(b.paidAt) || a.id.localeCompare(b.id));
}

export function paidCents(dataset: Dataset, invoice: SeedInvoice): number {
  return paymentsOf(dataset, invoice).reduce((sum, payment) => sum + payment.amountCents, 0);
}

export function expectedInvoice(dataset: Dataset, invoice: SeedInvoice) {
  return {
    id: invoice.id,
    number: invoice.number,
    status: STATUS[invoice.statusCode],
    issuedAt: `${invoice.issuedOn}T00:00:00.000Z`,
    dueAt: `${invoice.dueOn}T00:00:00.000Z`,
    amount: moneyOf(invoice.amountCents, invoice.currency),
    amountDue: moneyOf(invoice.statusCode === 'V' ? 0 : invoice.amountCents - paidCents(dataset, invoice), invoice.currency),
    order: { number: invoice.orderNumber },
    customer: { id: invoice.crmRef },
    payments: paymentsOf(dataset, invoice).map((payment) => ({
      id: payment.id,
      amount: moneyOf(payment.amountCents, invoice.currency),
      paidAt: payment.paidAt,
      method: METHOD[payment.methodCode],
    })),
  };
}

/** `Order { invoice { number status } paymentStatus }` for one order number. */
export function expectedOrderBilling(dataset: Dataset, orderNumber: string) {
  const invoice = dataset.invoices.find((candidate) => candidate.orderNumber === orderNumber);
  if (!invoice) return { invoice: null, paymentStatus: 'NOT_INVOICED' };
  const paid = paidCents(dataset, invoice);
  const paymentStatus = invoice.statusCode === 'V' ? 'VOID' : paid >= invoice.amountCents ? 'PAID' : paid > 0 ? 'PARTIALLY_PAID' : 'UNPAID';
  return { invoice: { number: invoice.number, status: STATUS[invoice.statusCode] }, paymentStatus };
}

/** A customer's invoices, newest first (issue date, then id), like `Customer.invoices`. */
export function invoicesOfCustomer(dataset: Dataset, crmRef: string): SeedInvoice[] {
  return dataset.invoices.filter((invoice) => invoice.crmRef === crmRef).sort((a, b) => b.issuedOn.localeCompare(a.issuedOn) || b.id.localeCompare(a.id));
}

/** Non-void invoices in the account's currency minus their payments; null without an account. */
export function expectedBalance(dataset: Dataset, crmRef: string) {
  const account = dataset.accounts.find((candidate) => candidate.crmRef === crmRef);
  if (!account) return null;
  const cents = dataset.invoices
    .filter((invoice) => invoice.crmRef === crmRef && invoice.statusCode !== 'V' && invoice.currency === account.currency)
    .reduce((sum, invoice) => sum + invoice.amountCents - paidCents(dataset, invoice), 0);
  return moneyOf(cents, account.currency);
}
