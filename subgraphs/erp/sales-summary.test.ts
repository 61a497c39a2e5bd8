import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import type { SeedOrder } from '../../systems/seed/types.js';
import { errorExtensions } from '../../test/helpers/sql-subgraph.js';
import { erpBackends, useErp } from '../../test/helpers/subgraphs/erp.js';
import { portalPrincipal } from '../../test/helpers/subgraphs/row-level.js';

/**
 * salesSummary and the orders range filter against the seed: every expected figure is computed
 * here from the generated data set, independently of the SQL that answers it.
 */

const dataset = generateDataset();
const backends = await erpBackends();

const STATUS = { D: 'DRAFT', A: 'APPROVED', S: 'SHIPPED', F: 'DELIVERED', X: 'CANCELLED' } as const;
const ORDER = ['DRAFT', 'APPROVED', 'SHIPPED', 'DELIVERED', 'CANCELLED'];
const decimal = (cents: number) => (cents / 100).toFixed(2);
const [FROM, TO] = ['2025-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'];
const inPeriod = (order: SeedOrder, from = FROM, to = TO) => order.placedAt >= from && order.placedAt < to;

/** The rows salesSummary must answer, grouped by `key` and currency, in ascending key order. */
function expectedRows(orders: readonly SeedOrder[], key: (order: SeedOrder) => Record<string, string | null>) {
  const groups = new Map<string, { fields: Record<string, unknown>; orders: number; cents: number }>();
  for (const order of orders) {
    const fields = { ...key(order), currency: order.currency };
    // Ascending by month, status in its workflow order, customer id, currency.
    const id = JSON.stringify(Object.entries(fields).map(([name, value]) => (name === 'status' ? ORDER.indexOf(value as string) : value)));
    const group = groups.get(id) ?? { fields, orders: 0, cents: 0 };
    group.orders++;
    group.cents += order.totalCents;
    groups.set(id, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, group]) => ({ ...group.fields, orders: group.orders, total: { amount: decimal(group.cents), currency: group.fields.currency } }));
}

const SUMMARY = /* GraphQL */ `
  query ($from: DateTime!, $to: DateTime!, $groupBy: [SalesGroupBy!], $statuses: [OrderStatus!], $first: Int) {
    salesSummary(from: $from, to: $to, groupBy: $groupBy, statuses: $statuses, first: $first) {
      from
      to
      groupBy
      truncated
      rows {
        month
        status
        customer {
          id
        }
        currency
        orders
        total {
          amount
          currency
        }
      }
    }
  }
`;
const project = (rows: Array<Record<string, unknown>>, keys: string[]) =>
  rows.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => [...keys, 'currency', 'orders', 'total'].includes(key))));

describe.each(backends)('salesSummary on $name', (backend) => {
  describe.skipIf(!backend.available)('salesSummary', () => {
    const erp = useErp(backend);
    const summary = async (variables: Record<string, unknown>, principal?: Parameters<typeof erp.query>[2]) => (await erp.query(SUMMARY, variables, principal)).body;

    it('sums each month and currency of a year, leaving cancelled orders out, in one statement', async () => {
      await erp.resetStatements();
      const body = await summary({ from: FROM, to: TO });
      expect(await erp.statements()).toBe(1);
      expect(body.errors).toBeUndefined();
      const answer = body.data!.salesSummary;
      expect({ from: answer.from, to: answer.to, groupBy: answer.groupBy, truncated: answer.truncated }).toEqual({ from: FROM, to: TO, groupBy: ['MONTH'], truncated: false });
      const counted = dataset.orders.filter((order) => inPeriod(order) && order.statusCode !== 'X');
      expect(project(answer.rows, ['month'])).toEqual(expectedRows(counted, (order) => ({ month: order.placedAt.slice(0, 7) })));
      expect(answer.rows.every((row: Record<string, unknown>) => row.status === null && row.customer === null)).toBe(true);
      expect(answer.rows.length).toBeGreaterThan(12);
    });

    it('groups by status and customer, filters statuses, and says when rows were cut', async () => {
      const statuses = ['SHIPPED', 'DELIVERED', 'CANCELLED'];
      const body = await summary({ from: FROM, to: TO, groupBy: ['STATUS', 'CUSTOMER'], statuses, first: 1000 });
      const counted = dataset.orders.filter((order) => inPeriod(order) && statuses.includes(STATUS[order.statusCode]));
      const expected = expectedRows(counted, (order) => ({ status: STATUS[order.statusCode], customer: order.customerId }));
      const rows = body.data!.salesSummary.rows.map((row: { customer: { id: string } }) => ({ ...row, customer: row.customer.id }));
      expect(project(rows, ['status', 'customer'])).toEqual(expected);
      expect(body.data!.salesSummary.truncated).toBe(false);

      const cut = await summary({ from: FROM, to: TO, groupBy: ['STATUS', 'CUSTOMER'], statuses, first: 10 });
      expect(cut.data!.salesSummary.truncated).toBe(true);
      expect(cut.data!.salesSummary.rows).toEqual(body.data!.salesSummary.rows.slice(0, 10));
    });

    it('answers one row per currency with an empty groupBy, and a portal token only its own orders', async () => {
      const all = await summary({ from: '2024-01-01', to: '2026-12-31', groupBy: [] });
      expect(project(all.data!.salesSummary.rows, [])).toEqual(
        expectedRows(
          dataset.orders.filter((order) => order.statusCode !== 'X'),
          () => ({}),
        ),
      );

      const customer = dataset.customers[3]!;
      const own = await summary({ from: '2024-01-01', to: '2026-12-31', groupBy: ['CUSTOMER'] }, portalPrincipal(customer));
      const ownOrders = dataset.orders.filter((order) => order.customerId === customer.id && order.statusCode !== 'X');
      expect(ownOrders.length).toBeGreaterThan(0);
      expect(
        project(
          own.data!.salesSummary.rows.map((row: { customer: { id: string } }) => ({ ...row, customer: row.customer.id })),
          ['customer'],
        ),
      ).toEqual(expectedRows(ownOrders, (order) => ({ customer: order.customerId })));
    });

    it.each([
      { why: 'a malformed from', variables: { from: 'last year', to: TO }, field: 'from' },
      { why: 'to before from', variables: { from: TO, to: FROM }, field: 'to' },
      { why: 'a period over five years', variables: { from: '2020-01-01', to: '2026-01-01' }, field: 'to' },
      { why: 'a grouping named twice', variables: { from: FROM, to: TO, groupBy: ['MONTH', 'MONTH'] }, field: 'groupBy' },
      { why: 'too many rows', variables: { from: FROM, to: TO, first: 1001 }, field: 'first' },
    ])('refuses $why with BAD_USER_INPUT on $field before any statement', async ({ variables, field }) => {
      await erp.resetStatements();
      const body = await summary(variables);
      expect(body.data).toEqual({ salesSummary: null });
      expect(errorExtensions(body.errors?.[0])).toEqual({ code: 'BAD_USER_INPUT', field, system: 'erp', subgraph: 'erp' });
      expect(await erp.statements()).toBe(0);
    });

    it('lists orders placed in a range, newest first', async () => {
      const { body } = await erp.query('{ orders(first: 1000, placedAfter: "2025-03-01T00:00:00Z", placedBefore: "2025-04-01") { nodes { number placedAt } } }');
      const expected = dataset.orders
        .filter((order) => inPeriod(order, '2025-03-01T00:00:00.000Z', '2025-04-01T00:00:00.000Z'))
        .sort((a, b) => b.placedAt.localeCompare(a.placedAt) || b.id.localeCompare(a.id))
        .map((order) => ({ number: order.number, placedAt: order.placedAt }));
      expect(expected.length).toBeGreaterThan(10);
      expect(body.data!.orders.nodes).toEqual(expected);
      const refused = await erp.query('{ orders(placedAfter: "yesterday") { nodes { number } } }');
      expect(errorExtensions(refused.body.errors?.[0])).toMatchObject({ code: 'BAD_USER_INPUT', field: 'placedAfter' });
    });
  });
});
