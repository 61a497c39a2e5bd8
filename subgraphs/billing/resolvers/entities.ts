import { readPage, toConnection } from '../../shared/connection.js';
import type { CustomerResolvers, OrderResolvers } from '../__generated__/resolvers-types.js';
import { paymentStatusOf } from '../models.js';
import { BILLING_ORIGIN } from '../origin.js';

/** Orders belong to the ERP; billing contributes their invoice, keyed by order number. */
export const Order: OrderResolvers = {
  __resolveReference: (ref) => ({ number: ref.number }),
  invoice: (order, _args, { loaders }) => loaders.invoiceByOrderNumber.load(order.number),
  // Same loader as `invoice`, so both fields together cost one statement per batch.
  paymentStatus: async (order, _args, { loaders }) => paymentStatusOf(await loaders.invoiceByOrderNumber.load(order.number)),
};

/** Customers belong to the CRM; billing contributes invoices and the account, keyed by crm_ref. */
export const Customer: CustomerResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  async invoices(customer, args, { loaders }) {
    const page = readPage(args, BILLING_ORIGIN);
    const rows = await loaders.invoicesByCustomer.load({ crmRef: customer.id, ...page, status: args.status ?? null });
    return toConnection(rows, page);
  },
  balance: async (customer, _args, { loaders }) => (await loaders.accountByCrmRef.load(customer.id))?.balance ?? null,
  creditLimit: async (customer, _args, { loaders }) => (await loaders.accountByCrmRef.load(customer.id))?.creditLimit ?? null,
};
