import { readOptionalDateTime } from '../../shared/aggregates.js';
import { readPage, toConnection, withCount } from '../../shared/connection.js';
import { ownRow, restrictedCustomer } from '../../shared/row-rules.js';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { INVOICES_KEYSET } from '../keysets.js';
import { ORIGIN } from '../origin.js';
import { aggregateQueries } from './aggregates.js';
import { rateQueries } from './money.js';

export const Query: QueryResolvers = {
  // The owner is known only after loading: unknown numbers stay null, another customer's is FORBIDDEN.
  invoice: async (_root, { number }, { principal, loaders }) => ownRow(principal, await loaders.invoiceByNumber.load(number), (invoice) => invoice.crmRef, ORIGIN, 'invoice'),
  async invoices(_root, args, { principal, db, provenance }) {
    const page = readPage(args, INVOICES_KEYSET, ORIGIN);
    const filter = {
      status: args.status ?? null,
      issuedAfter: readOptionalDateTime(args.issuedAfter, 'issuedAfter', ORIGIN),
      issuedBefore: readOptionalDateTime(args.issuedBefore, 'issuedBefore', ORIGIN),
    };
    const customerId = restrictedCustomer(principal);
    const rows = await provenance.read(
      'Invoice',
      (found) => found.length,
      () => db.listInvoices({ ...page, ...filter }, customerId),
    );
    return withCount(toConnection(rows, page, INVOICES_KEYSET), () => db.countInvoices(filter, customerId));
  },
  ...aggregateQueries,
  ...rateQueries,
};
