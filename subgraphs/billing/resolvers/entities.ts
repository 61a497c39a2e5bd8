import { readPage, toConnection } from '../../shared/connection.js';
import { assertCustomer, ownRow } from '../../shared/row-rules.js';
import type { CustomerResolvers, OrderResolvers } from '../__generated__/resolvers-types.js';
import { paymentStatusOf, type InvoiceModel } from '../models.js';
import { ORIGIN } from '../origin.js';

const ownerOf = (invoice: InvoiceModel) => invoice.crmRef;

/** Orders belong to the ERP; billing contributes their invoice, keyed by order number. */
export const Order: OrderResolvers = {
  __resolveReference: (ref) => ({ number: ref.number }),
  // The invoice's own customer reference decides, after loading (billing does not know the order's owner).
  invoice: async (order, _args, { principal, loaders }) => ownRow(principal, await loaders.invoiceByOrderNumber.load(order.number), ownerOf, ORIGIN, 'invoice'),
  // Same loader as `invoice`, so both fields together cost one statement per batch.
  paymentStatus: async (order, _args, { principal, loaders }) =>
    paymentStatusOf(ownRow(principal, await loaders.invoiceByOrderNumber.load(order.number), ownerOf, ORIGIN, 'invoice')),
};

/**
 * Customers belong to the CRM; billing contributes invoices and the account, keyed by crm_ref.
 * The customer id is the owner, so another customer's fields are refused without a statement.
 */
export const Customer: CustomerResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  async invoices(customer, args, { principal, loaders }) {
    assertCustomer(principal, customer.id, ORIGIN, 'invoices');
    const page = readPage(args, ORIGIN);
    const rows = await loaders.invoicesByCustomer.load({ crmRef: customer.id, ...page, status: args.status ?? null });
    return toConnection(rows, page);
  },
  balance: async (customer, _args, { principal, loaders }) => {
    assertCustomer(principal, customer.id, ORIGIN, 'balance');
    return (await loaders.accountByCrmRef.load(customer.id))?.balance ?? null;
  },
  creditLimit: async (customer, _args, { principal, loaders }) => {
    assertCustomer(principal, customer.id, ORIGIN, 'credit limit');
    return (await loaders.accountByCrmRef.load(customer.id))?.creditLimit ?? null;
  },
};
