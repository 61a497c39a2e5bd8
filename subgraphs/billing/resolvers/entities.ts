import { readPage, toConnection, withCount } from '../../shared/connection.js';
import { assertCustomer, ownRow } from '../../shared/row-rules.js';
import type { CustomerResolvers, InvoiceConnectionResolvers, OrderResolvers } from '../__generated__/resolvers-types.js';
import { CUSTOMER_INVOICES_KEYSET } from '../keysets.js';
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
    const page = readPage(args, CUSTOMER_INVOICES_KEYSET, ORIGIN);
    const status = args.status ?? null;
    const rows = await loaders.invoicesByCustomer.load({ crmRef: customer.id, ...page, status });
    return withCount(toConnection(rows, page, CUSTOMER_INVOICES_KEYSET), () => loaders.invoiceCountByCustomer.load({ crmRef: customer.id, status }));
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

// Counted only when a client selects totalCount (see CountedConnection).
export const InvoiceConnection: InvoiceConnectionResolvers = { totalCount: (connection) => connection.count() };
