import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset } from './helpers/expected.js';
import { type Stack, graphqlAs, startStack } from './helpers/stack.js';

/**
 * Issue 18, point 5, through the one endpoint: Money is an entity keyed by amount and currency, so
 * the gateway takes the ERP's order totals to billing, which owns the rates, for `inBaseCurrency`;
 * both executors plan it as Apollo's planner says (the differential test covers the executor).
 */

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const asFinance = graphqlAs({ preset: 'finance' });
const asAdmin = graphqlAs({ preset: 'admin' });

describe('amounts in the base currency', () => {
  it("converts an ERP order's USD total with billing's rate of today", async () => {
    const order = dataset.orders.find((candidate) => candidate.currency === 'USD')!;
    const rates = await asAdmin(stack.gatewayUrl, '{ baseCurrency exchangeRates { currency perEur date source } }');
    const usd = (rates.body.data!.exchangeRates as { currency: string; perEur: string; date: string; source: string }[]).find((rate) => rate.currency === 'USD')!;
    const { status, body } = await asAdmin(
      stack.gatewayUrl,
      `{ order(number: "${order.number}") { total { amount currency inBaseCurrency { amount currency rateDate rateSource } } } }`,
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const total = body.data!.order.total;
    expect(total.currency).toBe('USD');
    const expected = Math.round(Math.round(Number(total.amount) * 100) / Number(usd.perEur)) / 100;
    expect(total.inBaseCurrency).toEqual({ amount: expected.toFixed(2), currency: rates.body.data!.baseCurrency, rateDate: usd.date, rateSource: usd.source });
  });

  it('converts at the rates of a pinned day when asked, as billing lists them for that day', async () => {
    // An order of an earlier month than today's: its day's rate is not today's.
    const thisMonth = new Date().toISOString().slice(0, 7);
    const order = dataset.orders.find((candidate) => candidate.currency === 'USD' && candidate.placedAt.slice(0, 7) < thisMonth)!;
    const day = order.placedAt.slice(0, 10);
    const rates = await asAdmin(stack.gatewayUrl, `{ exchangeRates(on: "${day}") { currency perEur date } }`);
    const usd = (rates.body.data!.exchangeRates as { currency: string; perEur: string; date: string }[]).find((rate) => rate.currency === 'USD')!;
    const { body } = await asAdmin(stack.gatewayUrl, `{ order(number: "${order.number}") { total { amount inBaseCurrency(on: "${day}") { amount rateDate } } } }`);
    expect(body.errors).toBeUndefined();
    const total = body.data!.order.total;
    const expected = Math.round(Math.round(Number(total.amount) * 100) / Number(usd.perEur)) / 100;
    expect(total.inBaseCurrency).toEqual({ amount: expected.toFixed(2), rateDate: usd.date });
    expect(usd.date.slice(0, 7)).toBe(day.slice(0, 7));
  });

  it('gives revenue totals across currencies to a finance token', async () => {
    const { body } = await asFinance(
      stack.gatewayUrl,
      '{ revenue(from: "2025-01-01", to: "2026-01-01", groupBy: []) { invoicedInBaseCurrency { amount currency } rows { currency invoicedInBaseCurrency { amount } } } }',
    );
    expect(body.errors).toBeUndefined();
    const rows = body.data!.revenue.rows as { currency: string; invoicedInBaseCurrency: { amount: string } }[];
    expect(rows.map((row) => row.currency)).toEqual(['EUR', 'GBP', 'USD']);
    const sum = rows.reduce((cents, row) => cents + Math.round(Number(row.invoicedInBaseCurrency.amount) * 100), 0);
    expect(body.data!.revenue.invoicedInBaseCurrency).toEqual({ amount: (sum / 100).toFixed(2), currency: 'EUR' });
  });
});
