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

interface Rate {
  currency: string;
  perEur: string;
  date: string;
  source: string;
}

/** Billing's USD rate on a day (today when omitted), as it lists it, and the base currency. */
async function usdRateOn(day?: string): Promise<{ usd: Rate; baseCurrency: string }> {
  const { body } = await asAdmin(stack.gatewayUrl, `{ baseCurrency exchangeRates${day ? `(on: "${day}")` : ''} { currency perEur date source } }`);
  return { usd: (body.data!.exchangeRates as Rate[]).find((rate) => rate.currency === 'USD')!, baseCurrency: body.data!.baseCurrency as string };
}

/** `amount` in the base currency at `rate`, in plain arithmetic: cents divided by the rate, rounded to the cent. */
const inBase = (amount: string, rate: Rate) => (Math.round(Math.round(Number(amount) * 100) / Number(rate.perEur)) / 100).toFixed(2);

describe('amounts in the base currency', () => {
  it("converts an ERP order's USD total with billing's rate of today", async () => {
    const order = dataset.orders.find((candidate) => candidate.currency === 'USD')!;
    const { usd, baseCurrency } = await usdRateOn();
    const { status, body } = await asAdmin(
      stack.gatewayUrl,
      `{ order(number: "${order.number}") { total { amount currency inBaseCurrency { amount currency rateDate rateSource } } } }`,
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const total = body.data!.order.total;
    expect(total.currency).toBe('USD');
    expect(total.inBaseCurrency).toEqual({ amount: inBase(total.amount, usd), currency: baseCurrency, rateDate: usd.date, rateSource: usd.source });
  });

  it('converts at the rates of a pinned day when asked, as billing lists them for that day', async () => {
    // An order of an earlier month than today's: its day's rate is not today's.
    const thisMonth = new Date().toISOString().slice(0, 7);
    const order = dataset.orders.find((candidate) => candidate.currency === 'USD' && candidate.placedAt.slice(0, 7) < thisMonth)!;
    const day = order.placedAt.slice(0, 10);
    const { usd } = await usdRateOn(day);
    const { body } = await asAdmin(stack.gatewayUrl, `{ order(number: "${order.number}") { total { amount inBaseCurrency(on: "${day}") { amount rateDate } } } }`);
    expect(body.errors).toBeUndefined();
    const total = body.data!.order.total;
    expect(total.inBaseCurrency).toEqual({ amount: inBase(total.amount, usd), rateDate: usd.date });
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
