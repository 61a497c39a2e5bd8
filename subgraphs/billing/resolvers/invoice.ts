import { subgraphError } from '../../shared/errors.js';
import { ownRow } from '../../shared/row-rules.js';
import type { InvoiceResolvers, PaymentResolvers } from '../__generated__/resolvers-types.js';
import { ORIGIN } from '../origin.js';

export const Invoice: InvoiceResolvers = {
  // Loaded in one batch with the other references, then checked one by one (by crm_ref).
  __resolveReference: async (ref, { principal, loaders }) =>
    ownRow(principal, await ('id' in ref ? loaders.invoiceById.load(ref.id) : loaders.invoiceByNumber.load(ref.number)), (invoice) => invoice.crmRef, ORIGIN, 'invoice'),
  payments: (invoice, _args, { loaders }) => loaders.paymentsByInvoiceId.load(invoice.id),
  // References into the ERP and the CRM: their subgraphs resolve (or fail to resolve) the rest.
  order: (invoice) => ({ number: invoice.orderNumber }),
  customer: (invoice) => ({ id: invoice.crmRef }),
};

export const Payment: PaymentResolvers = {
  // A payment belongs to its invoice's customer (read in the same statement as the payment).
  __resolveReference: async (ref, { principal, loaders }) => ownRow(principal, await loaders.paymentById.load(ref.id), (payment) => payment.crmRef, ORIGIN, 'payment'),
  async invoice(payment, _args, { loaders }) {
    const invoice = await loaders.invoiceById.load(payment.invoiceId);
    // pmt.inv_id has a foreign key, so this only happens if the database is damaged.
    if (!invoice) throw subgraphError('NOT_FOUND', `invoice ${payment.invoiceId} of payment ${payment.id} is missing`, ORIGIN);
    return invoice;
  },
};
