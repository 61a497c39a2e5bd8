import { subgraphError } from '../../shared/errors.js';
import type { InvoiceResolvers, PaymentResolvers } from '../__generated__/resolvers-types.js';
import { BILLING_ORIGIN } from '../origin.js';

export const Invoice: InvoiceResolvers = {
  __resolveReference: (ref, { loaders }) => ('id' in ref ? loaders.invoiceById.load(ref.id) : loaders.invoiceByNumber.load(ref.number)),
  payments: (invoice, _args, { loaders }) => loaders.paymentsByInvoiceId.load(invoice.id),
  // References into the ERP and the CRM: their subgraphs resolve (or fail to resolve) the rest.
  order: (invoice) => ({ number: invoice.orderNumber }),
  customer: (invoice) => ({ id: invoice.crmRef }),
};

export const Payment: PaymentResolvers = {
  __resolveReference: (ref, { loaders }) => loaders.paymentById.load(ref.id),
  async invoice(payment, _args, { loaders }) {
    const invoice = await loaders.invoiceById.load(payment.invoiceId);
    // pmt.inv_id has a foreign key, so this only happens if the database is damaged.
    if (!invoice) throw subgraphError('NOT_FOUND', `invoice ${payment.invoiceId} of payment ${payment.id} is missing`, BILLING_ORIGIN);
    return invoice;
  },
};
