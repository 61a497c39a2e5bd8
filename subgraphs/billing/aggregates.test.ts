import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import type { SeedInvoice } from '../../systems/seed/types.js';
import { billingBackends, errorExtensions, useBilling } from '../../test/helpers/subgraphs/billing.js';

/**
 * revenue, receivablesAging and the invoices range filter against the seed: every expected figure
 * is computed here from the generated data set, independently of the SQL that answers it.
 */

const dataset = generateDataset();
const backends = await billingBackends();

const STATUS = { O: 'OPEN', P: 'PAID', D: 'OVERDUE', V: 'VOID' } as const;
const decimal = (cents: number) => (cents / 100).toFixed(2);
const DAY_MS = 86_400_000;
const paidBy = (invoice: SeedInvoice, at = '9999') =>
  dataset.payments.filter((payment) => payment.invoiceId === invoice.id && payment.paidAt <= at).reduce((sum, payment) => sum + payment.amountCents, 0);
const sortedGroups = <T>(groups: Map<string, T>) => [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, group]) => group);

const REVENUE = /* GraphQL */ `
  query ($from: DateTime!, $to: DateTime!, $groupBy: [RevenueGroupBy!]) {
    revenue(from: $from, to: $to, groupBy: $groupBy) {
      truncated
      rows {
        month
        status
        currency
        invoices
        invoiced {
          amount
          currency
        }
        paid {
          amount
        }
        outstanding {
          amount
        }
      }
    }
  }
`;
const AGING = 'query ($asOf: DateTime) { receivablesAging(asOf: $asOf) { asOf buckets { bucket currency invoices amountDue { amount currency } } } }';

function expectedRevenue(from: string, to: string, key: (invoice: SeedInvoice) => { month: string | null; status: string | null }) {
  const groups = new Map<string, { month: string | null; status: string | null; currency: string; invoices: number; invoiced: number; paid: number }>();
  for (const invoice of dataset.invoices) {
    if (invoice.statusCode === 'V' || invoice.issuedOn < from || invoice.issuedOn >= to) continue;
    const fields = { ...key(invoice), currency: invoice.currency };
    // Ascending by month, status in its enum order, currency.
    const id = JSON.stringify(Object.entries(fields).map(([name, value]) => (name === 'status' && value !== null ? ['OPEN', 'PAID', 'OVERDUE'].indexOf(value) : value)));
    const group = groups.get(id) ?? { ...fields, invoices: 0, invoiced: 0, paid: 0 };
    group.invoices++;
    group.invoiced += invoice.amountCents;
    group.paid += paidBy(invoice);
    groups.set(id, group);
  }
  return sortedGroups(groups).map((group) => ({
    month: group.month,
    status: group.status,
    currency: group.currency,
    invoices: group.invoices,
    invoiced: { amount: decimal(group.invoiced), currency: group.currency },
    paid: { amount: decimal(group.paid) },
    outstanding: { amount: decimal(group.invoiced - group.paid) },
  }));
}

const BUCKETS = ['CURRENT', 'DAYS_1_30', 'DAYS_31_60', 'DAYS_61_90', 'OVER_90'];
function expectedAging(asOf: string) {
  const groups = new Map<string, { bucket: string; currency: string; invoices: number; due: number }>();
  for (const invoice of dataset.invoices) {
    if (invoice.statusCode === 'V' || `${invoice.issuedOn}T00:00:00.000Z` > asOf) continue;
    const due = invoice.amountCents - paidBy(invoice, asOf);
    if (due <= 0) continue;
    const days = Math.floor((Date.parse(asOf) - Date.parse(`${invoice.dueOn}T00:00:00Z`)) / DAY_MS);
    const bucket = days <= 0 ? 'CURRENT' : days <= 30 ? 'DAYS_1_30' : days <= 60 ? 'DAYS_31_60' : days <= 90 ? 'DAYS_61_90' : 'OVER_90';
    const id = `${BUCKETS.indexOf(bucket)}${invoice.currency}`;
    const group = groups.get(id) ?? { bucket, currency: invoice.currency, invoices: 0, due: 0 };
    group.invoices++;
    group.due += due;
    groups.set(id, group);
  }
  return sortedGroups(groups).map((group) => ({
    bucket: group.bucket,
    currency: group.currency,
    invoices: group.invoices,
    amountDue: { amount: decimal(group.due), currency: group.currency },
  }));
}

describe.each(backends)('billing aggregates on $name', (backend) => {
  describe.skipIf(!backend.available)('revenue and receivablesAging', () => {
    const billing = useBilling(backend);

    it('sums invoiced, paid and outstanding per month and currency of issue, void left out, in one statement', async () => {
      await billing.resetStatements();
      const { body } = await billing.query(REVENUE, { from: '2025-01-01', to: '2026-01-01' });
      expect(await billing.statements()).toBe(1);
      expect(body.errors).toBeUndefined();
      expect(body.data!.revenue.truncated).toBe(false);
      expect(body.data!.revenue.rows).toEqual(expectedRevenue('2025-01-01', '2026-01-01', (invoice) => ({ month: invoice.issuedOn.slice(0, 7), status: null })));
      expect(body.data!.revenue.rows.length).toBeGreaterThan(12);
    });

    it('groups by status over the whole seed', async () => {
      const { body } = await billing.query(REVENUE, { from: '2024-01-01', to: '2026-12-31', groupBy: ['STATUS'] });
      expect(body.data!.revenue.rows).toEqual(expectedRevenue('2024-01-01', '2026-12-31', (invoice) => ({ month: null, status: STATUS[invoice.statusCode] })));
    });

    it.each(['2025-06-30T12:00:00.000Z', '2026-03-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z'])('ages what was owed at %s by days past due', async (asOf) => {
      await billing.resetStatements();
      const { body } = await billing.query(AGING, { asOf });
      expect(await billing.statements()).toBe(1);
      expect(body.errors).toBeUndefined();
      const expected = expectedAging(asOf);
      expect(expected.length).toBeGreaterThan(3);
      expect(body.data!.receivablesAging).toEqual({ asOf, buckets: expected });
    });

    it('lists invoices issued in a range, newest first', async () => {
      const { body } = await billing.query('{ invoices(first: 1000, issuedAfter: "2025-05-01", issuedBefore: "2025-06-01T00:00:00Z") { nodes { number issuedAt } } }');
      const expected = dataset.invoices
        .filter((invoice) => invoice.issuedOn >= '2025-05-01' && invoice.issuedOn < '2025-06-01')
        .sort((a, b) => b.issuedOn.localeCompare(a.issuedOn) || Number(b.id.slice(4)) - Number(a.id.slice(4)))
        .map((invoice) => ({ number: invoice.number, issuedAt: `${invoice.issuedOn}T00:00:00.000Z` }));
      expect(expected.length).toBeGreaterThan(10);
      expect(body.data!.invoices.nodes).toEqual(expected);
    });

    it.each([
      { query: REVENUE, variables: { from: '2026-01-01', to: '2025-01-01' }, field: 'to', root: 'revenue' },
      { query: REVENUE, variables: { from: 'soon', to: '2025-01-01' }, field: 'from', root: 'revenue' },
      { query: AGING, variables: { asOf: '01/02/2026' }, field: 'asOf', root: 'receivablesAging' },
    ])('refuses a bad $field with BAD_USER_INPUT before any statement', async ({ query, variables, field, root }) => {
      await billing.resetStatements();
      const { body } = await billing.query(query, variables);
      expect(body.data).toEqual({ [root]: null });
      expect(errorExtensions(body.errors?.[0])).toEqual({ code: 'BAD_USER_INPUT', field, system: 'billing', subgraph: 'billing' });
      expect(await billing.statements()).toBe(0);
    });
  });
});
