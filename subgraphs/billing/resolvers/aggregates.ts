import { aggregateAnswer, customerRef, readGroupBy, readOptionalDateTime, readPeriod, readRowLimit } from '../../shared/aggregates.js';
import { money } from '../../shared/money.js';
import { restrictedCustomer } from '../../shared/row-rules.js';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { ORIGIN } from '../origin.js';

/** Billing's aggregates (finance:read): arguments checked before the one statement each sends. */
export const aggregateQueries: Pick<QueryResolvers, 'revenue' | 'receivablesAging'> = {
  async revenue(_root, args, { principal, db, provenance }) {
    const groupBy = readGroupBy(args.groupBy, ['MONTH'], ORIGIN);
    const query = { period: readPeriod(args, ORIGIN), groupBy, limit: readRowLimit(args.first, ORIGIN), customerId: restrictedCustomer(principal) };
    const found = await provenance.read(
      'Invoice',
      (rows) => rows.length,
      () => db.revenue(query),
    );
    const base = db.baseCurrency;
    const inBase = (cents: number | null) => (cents === null ? null : money(cents, base));
    // Every row carries the period's totals (window sums); a period without invoices totals 0.
    const totals = found[0] ?? { totalInvoicedBaseCents: 0, totalPaidBaseCents: 0 };
    const answer = aggregateAnswer(query.period, groupBy, found, query.limit, (row) => ({
      month: row.month,
      status: row.status,
      customer: customerRef(row.customerId),
      currency: row.currency,
      invoices: row.invoices,
      invoiced: money(row.invoicedCents, row.currency),
      paid: money(row.paidCents, row.currency),
      outstanding: money(row.invoicedCents - row.paidCents, row.currency),
      invoicedInBaseCurrency: inBase(row.invoicedBaseCents),
      paidInBaseCurrency: inBase(row.paidBaseCents),
    }));
    return { ...answer, invoicedInBaseCurrency: inBase(totals.totalInvoicedBaseCents), paidInBaseCurrency: inBase(totals.totalPaidBaseCents) };
  },
  async receivablesAging(_root, args, { principal, db, provenance }) {
    const asOf = readOptionalDateTime(args.asOf, 'asOf', ORIGIN) ?? new Date();
    const rows = await provenance.read(
      'Invoice',
      (found) => found.length,
      () => db.receivablesAging(asOf, restrictedCustomer(principal)),
    );
    const inBase = (cents: number | null) => (cents === null ? null : money(cents, db.baseCurrency));
    return {
      asOf: asOf.toISOString(),
      buckets: rows.map((row) => ({
        bucket: row.bucket,
        currency: row.currency,
        invoices: row.invoices,
        amountDue: money(row.dueCents, row.currency),
        amountDueInBaseCurrency: inBase(row.dueBaseCents),
      })),
      // Nothing owed at all totals 0.
      totalDueInBaseCurrency: inBase(rows[0] ? rows[0].totalDueBaseCents : 0),
    };
  },
};
