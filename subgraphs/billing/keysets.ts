import type { Keyset } from '../shared/connection.js';
import { legacyKeys } from './db-rows.js';
import type { InvoiceModel } from './models.js';

/** The inv_id behind an invoice id billing itself handed out. */
function invoiceKey(invoice: InvoiceModel): number {
  const [key] = legacyKeys([invoice.id], 'inv');
  if (key === undefined) throw new Error(`${invoice.id} is not a billing invoice id`);
  return key;
}

/** Invoices are listed newest first by `issued_on DESC, inv_id DESC`; the cursor carries both. */
export const INVOICES_KEYSET: Keyset<InvoiceModel> = {
  list: 'billing.invoices',
  parts: ['date', 'int'],
  keyOf: (invoice) => [invoice.issuedAt.slice(0, 10), invoiceKey(invoice)],
};

/** One customer's invoices, in the same order (a cursor of either list fits only its own). */
export const CUSTOMER_INVOICES_KEYSET: Keyset<InvoiceModel> = { ...INVOICES_KEYSET, list: 'billing.customer.invoices' };
