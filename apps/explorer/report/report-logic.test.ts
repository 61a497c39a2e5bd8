import { describe, expect, it } from 'vitest';
import { asOfBySystem, missingSystems, problemsOf } from './answers.js';
import { toCsv } from './csv.js';
import { formatAmount, fromCents, totalsByCurrency } from './money.js';
import { runChecks, systemOfOrderField, type OrderFacts } from './order-to-cash.js';

/** The report's rules, apart from the page: CSV, amounts, problems and as-of lines, the order-to-cash checks. */

const order = (number: string, status: OrderFacts['status'], invoice: OrderFacts['invoice'], parcels: number): OrderFacts => ({
  number,
  status,
  placedAt: '2026-01-01T00:00:00.000Z',
  total: { amount: '10.00', currency: 'EUR' },
  customer: { id: 'cus_0001' },
  invoice,
  shipments: Array.from({ length: parcels }, (_, index) => ({ trackingNumber: `T${index}`, status: 'DELIVERED' as const })),
});

describe('the report logic', () => {
  it('writes CSV as RFC 4180 quotes it', () => {
    const columns = [
      { key: 'a', label: 'Name', value: (row: { a: string; b: number | null }) => row.a },
      { key: 'b', label: 'Count', value: (row: { a: string; b: number | null }) => row.b },
    ];
    expect(
      toCsv(columns, [
        { a: 'Lopez, "Noah"', b: 3 },
        { a: 'x', b: null },
      ]),
    ).toBe('Name,Count\r\n"Lopez, ""Noah""",3\r\nx,\r\n');
  });

  it('adds amounts in cents per currency and formats them without floating point', () => {
    const rows = [
      { currency: 'EUR', amount: '0.10' },
      { currency: 'EUR', amount: '0.20' },
      { currency: 'USD', amount: '-5.5' },
    ];
    expect(
      Object.fromEntries(
        totalsByCurrency(
          rows,
          (row) => row.currency,
          (row) => row.amount,
        ),
      ),
    ).toEqual({ EUR: 30, USD: -550 });
    expect([fromCents(30), fromCents(-550), formatAmount('1234567.5'), formatAmount('-1000.00')]).toEqual(['0.30', '-5.50', '1,234,567.50', '-1,000.00']);
  });

  it('names unavailable systems and refused fields, and keeps the oldest fetch per system', () => {
    const problems = problemsOf([
      { message: 'Subgraph "billing" is unavailable', extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'billing', system: 'billing' } },
      { message: 'Subgraph "billing" is unavailable', extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'billing', system: 'billing' } },
      { message: 'Not authorized to read Order.shipments', extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE', coordinate: 'Order.shipments' } },
    ]);
    expect([...problems.unavailable.keys()]).toEqual(['billing']);
    expect([...problems.denied]).toEqual(['Order.shipments']);
    expect([...missingSystems(problems, systemOfOrderField)].sort()).toEqual(['billing', 'logistics']);
    const source = { path: 'orders', subgraph: 'erp', system: 'erp', type: 'Order', ageSeconds: 0, fromCache: false, staleIfError: false, cached: 0, fetched: 1 };
    expect(
      asOfBySystem([
        { ...source, fetchedAt: '2026-12-06T07:00:02.000Z' },
        { ...source, fetchedAt: '2026-12-06T07:00:01.000Z', fromCache: true },
      ]),
    ).toEqual([{ system: 'erp', fetchedAt: '2026-12-06T07:00:01.000Z', fromCache: true, staleIfError: false }]);
  });

  it('flags each order by the checks it fails, and makes no check without a system it compares', () => {
    const orders = [
      order('SO-1', 'APPROVED', null, 0),
      order('SO-2', 'DELIVERED', { number: 'INV-2', status: 'VOID' }, 1),
      order('SO-3', 'APPROVED', { number: 'INV-3', status: 'OPEN' }, 0),
      order('SO-4', 'SHIPPED', { number: 'INV-4', status: 'OVERDUE' }, 1),
      order('SO-5', 'DELIVERED', { number: 'INV-5', status: 'PAID' }, 2),
      order('SO-6', 'SHIPPED', { number: 'INV-6', status: 'PAID' }, 0),
      order('SO-7', 'DRAFT', null, 0),
      order('SO-8', 'CANCELLED', { number: 'INV-8', status: 'VOID' }, 0),
    ];
    const flagged = (missing: string[]) =>
      Object.fromEntries(runChecks(orders, new Set(missing)).map((result) => [result.check.id, result.flagged?.map((facts) => facts.number) ?? null]));
    expect(flagged([])).toEqual({
      'approved-not-invoiced': ['SO-1', 'SO-2'],
      'invoiced-not-shipped': ['SO-3', 'SO-6'],
      'shipped-unpaid': ['SO-4'],
      'erp-shipped-no-parcel': ['SO-6'],
    });
    expect(flagged(['billing'])).toEqual({ 'approved-not-invoiced': null, 'invoiced-not-shipped': null, 'shipped-unpaid': null, 'erp-shipped-no-parcel': ['SO-6'] });
  });
});
