import { readPage, toConnection } from '../../shared/connection.js';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { BILLING_ORIGIN } from '../origin.js';

export const Query: QueryResolvers = {
  invoice: (_root, { number }, { loaders }) => loaders.invoiceByNumber.load(number),
  async invoices(_root, args, { db }) {
    const page = readPage(args, BILLING_ORIGIN);
    const rows = await db.listInvoices({ ...page, status: args.status ?? null });
    return toConnection(rows, page);
  },
};
