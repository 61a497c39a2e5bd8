import { readOptionalDateTime } from '../../shared/aggregates.js';
import { readPage, toConnection } from '../../shared/connection.js';
import { ownRow, restrictedCustomer } from '../../shared/row-rules.js';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { ORIGIN } from '../origin.js';
import { aggregateQueries } from './aggregates.js';

export const Query: QueryResolvers = {
  // The owner is known only after loading: unknown numbers stay null, another customer's is FORBIDDEN.
  invoice: async (_root, { number }, { principal, loaders }) => ownRow(principal, await loaders.invoiceByNumber.load(number), (invoice) => invoice.crmRef, ORIGIN, 'invoice'),
  async invoices(_root, args, { principal, db, provenance }) {
    const page = readPage(args, ORIGIN);
    const issuedAfter = readOptionalDateTime(args.issuedAfter, 'issuedAfter', ORIGIN);
    const issuedBefore = readOptionalDateTime(args.issuedBefore, 'issuedBefore', ORIGIN);
    const rows = await provenance.read(
      'Invoice',
      (found) => found.length,
      () => db.listInvoices({ ...page, status: args.status ?? null, issuedAfter, issuedBefore }, restrictedCustomer(principal)),
    );
    return toConnection(rows, page);
  },
  ...aggregateQueries,
};
