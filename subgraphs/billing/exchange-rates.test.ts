import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import { billingBackends, errorExtensions, useBilling, type BillingHarness } from '../../test/helpers/subgraphs/billing.js';
import { portalPrincipal } from '../../test/helpers/subgraphs/row-level.js';

/**
 * Amounts in the base currency (EUR here): every expected figure is computed from the seed's
 * invoices and the rates billing lists, in plain arithmetic, independently of the SQL and of
 * convertCents that answer.
 */

const dataset = generateDataset();
const backends = await billingBackends();
const decimal = (cents: number) => (cents / 100).toFixed(2);
const toCents = (amount: string) => Math.round(Number(amount) * 100);
/** Half away from zero, as billing rounds. */
const round = (value: number) => Math.sign(value) * Math.round(Math.abs(value));

interface Rate {
  currency: string;
  date: string;
  perEur: string;
  source: string;
}

async function ratesOn(billing: BillingHarness, on: string): Promise<Map<string, Rate>> {
  const { body } = await billing.query<{ exchangeRates: Rate[] }>('query ($on: DateTime) { exchangeRates(on: $on) { currency date perEur source } }', { on });
  return new Map(body.data!.exchangeRates.map((rate) => [rate.currency, rate]));
}
const perEur = (rates: Map<string, Rate>, currency: string) => (currency === 'EUR' ? 1 : Number(rates.get(currency)!.perEur));

const MONEY = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Money {
        amount
        currency
        inBaseCurrency {
          amount
          currency
          rate
          rateDate
          rateSource
        }
      }
    }
  }
`;
const SET_RATE = 'mutation ($input: SetExchangeRateInput!) { setExchangeRate(input: $input) { currency date perEur source } }';

describe.each(backends)('exchange rates on $name', (backend) => {
  describe.skipIf(!backend.available)('base currency', () => {
    const billing = useBilling(backend);

    it('lists the seeded monthly rates in effect on a day, per euro, and the base currency', async () => {
      const rates = await ratesOn(billing, '2025-03-15T10:00:00Z');
      expect([...rates.keys()].sort()).toEqual(['GBP', 'USD']);
      expect(rates.get('USD')).toMatchObject({ date: '2025-03-01', source: 'seed (synthetic monthly rate)' });
      expect(Number(rates.get('USD')!.perEur)).toBeGreaterThan(1);
      expect(Number(rates.get('GBP')!.perEur)).toBeLessThan(1);
      const { body } = await billing.query('{ baseCurrency }');
      expect(body.data).toEqual({ baseCurrency: 'EUR' });
    });

    it('sums revenue in the base currency, each invoice at its issue month, in the same one statement', async () => {
      const months = ['2025-01', '2025-02', '2025-03'];
      const rates = new Map(await Promise.all(months.map(async (month) => [month, await ratesOn(billing, `${month}-01T00:00:00Z`)] as const)));
      const expected = new Map<string, { invoiced: number; paid: number }>();
      for (const invoice of dataset.invoices) {
        const month = invoice.issuedOn.slice(0, 7);
        if (invoice.statusCode === 'V' || !months.includes(month)) continue;
        const factor = 1 / perEur(rates.get(month)!, invoice.currency);
        const paid = dataset.payments.filter((payment) => payment.invoiceId === invoice.id).reduce((sum, payment) => sum + payment.amountCents, 0);
        const key = `${month}|${invoice.currency}`;
        const group = expected.get(key) ?? { invoiced: 0, paid: 0 };
        group.invoiced += invoice.amountCents * factor;
        group.paid += paid * factor;
        expected.set(key, group);
      }
      await billing.resetStatements();
      const { body } = await billing.query(
        '{ revenue(from: "2025-01-01", to: "2025-04-01") { invoicedInBaseCurrency { amount currency } paidInBaseCurrency { amount } rows { month currency invoicedInBaseCurrency { amount currency } paidInBaseCurrency { amount } } } }',
      );
      expect(await billing.statements()).toBe(1);
      expect(body.errors).toBeUndefined();
      const rows = body.data!.revenue.rows as { month: string; currency: string; invoicedInBaseCurrency: { amount: string }; paidInBaseCurrency: { amount: string } }[];
      expect(new Set(rows.map((row) => row.currency))).toEqual(new Set(['EUR', 'GBP', 'USD']));
      expect(Object.fromEntries(rows.map((row) => [`${row.month}|${row.currency}`, [row.invoicedInBaseCurrency.amount, row.paidInBaseCurrency.amount]]))).toEqual(
        Object.fromEntries([...expected].map(([key, group]) => [key, [decimal(round(group.invoiced)), decimal(round(group.paid))]])),
      );
      const total = [...expected.values()].reduce((sum, group) => sum + round(group.invoiced), 0);
      expect(body.data!.revenue.invoicedInBaseCurrency).toEqual({ amount: decimal(total), currency: 'EUR' });
    });

    it('ages what was owed in the base currency at the rates of the day aged at', async () => {
      const asOf = '2026-03-01T00:00:00.000Z';
      const rates = await ratesOn(billing, asOf);
      const { body } = await billing.query(
        `{ receivablesAging(asOf: "${asOf}") { totalDueInBaseCurrency { amount currency } buckets { currency amountDue { amount } amountDueInBaseCurrency { amount currency } } } }`,
      );
      const buckets = body.data!.receivablesAging.buckets as { currency: string; amountDue: { amount: string }; amountDueInBaseCurrency: { amount: string; currency: string } }[];
      expect(buckets.length).toBeGreaterThan(3);
      for (const bucket of buckets) {
        expect(bucket.amountDueInBaseCurrency).toEqual({ amount: decimal(round(toCents(bucket.amountDue.amount) / perEur(rates, bucket.currency))), currency: 'EUR' });
      }
      const total = buckets.reduce((sum, bucket) => sum + toCents(bucket.amountDueInBaseCurrency.amount), 0);
      expect(body.data!.receivablesAging.totalDueInBaseCurrency).toEqual({ amount: decimal(total), currency: 'EUR' });
    });

    it("converts any system's amount (Money is an entity) at today's rate, and says when it cannot", async () => {
      const today = await ratesOn(billing, new Date().toISOString());
      const usd = today.get('USD')!;
      const representations = [
        { __typename: 'Money', amount: '1000.00', currency: 'USD' },
        { __typename: 'Money', amount: '-20.00', currency: 'EUR' },
        { __typename: 'Money', amount: '5.00', currency: 'XTS' },
      ];
      const { body } = await billing.query(MONEY, { representations });
      expect(body.errors).toBeUndefined();
      expect(body.data!._entities).toEqual([
        {
          amount: '1000.00',
          currency: 'USD',
          inBaseCurrency: {
            amount: decimal(round(100_000 / Number(usd.perEur))),
            currency: 'EUR',
            rate: (1 / Number(usd.perEur)).toFixed(8).replace(/0+$/, ''),
            rateDate: usd.date,
            rateSource: usd.source,
          },
        },
        { amount: '-20.00', currency: 'EUR', inBaseCurrency: { amount: '-20.00', currency: 'EUR', rate: '1', rateDate: null, rateSource: 'same currency' } },
        { amount: '5.00', currency: 'XTS', inBaseCurrency: null },
      ]);
    });

    it('converts at the rates of a pinned day, the same whatever rate is recorded later', async () => {
      // Swedish kronor: no seeded amount or other test uses them, so the rates set here change no other test's figures.
      const setSek = (date: string, perEurValue: string) => billing.query(SET_RATE, { input: { currency: 'SEK', date, perEur: perEurValue, source: 'treasury desk' } });
      const PINNED = /* GraphQL */ `
        query ($representations: [_Any!]!, $on: DateTime) {
          _entities(representations: $representations) {
            ... on Money {
              inBaseCurrency(on: $on) {
                amount
                rate
                rateDate
              }
            }
          }
        }
      `;
      const representations = [{ __typename: 'Money', amount: '1000.00', currency: 'SEK' }];
      const convertedOn = async (on: string) => (await billing.query(PINNED, { representations, on })).body;
      expect((await setSek('2025-03-01', '0.8')).body.errors).toBeUndefined();
      const march = { amount: '1250.00', rate: '1.25', rateDate: '2025-03-01' };
      expect((await convertedOn('2025-03-15T00:00:00Z')).data!._entities).toEqual([{ inBaseCurrency: march }]);
      // A rate recorded later, for a day after the pinned one, leaves the pinned conversion as it was.
      await setSek('2025-03-20', '2');
      expect((await convertedOn('2025-03-15T00:00:00Z')).data!._entities).toEqual([{ inBaseCurrency: march }]);
      expect((await convertedOn('2025-03-21')).data!._entities).toEqual([{ inBaseCurrency: { amount: '500.00', rate: '0.5', rateDate: '2025-03-20' } }]);
      // Before its first rate, the earliest applies, as for exchangeRates(on:), and rateDate says so.
      expect((await convertedOn('2020-06-30')).data!._entities).toEqual([{ inBaseCurrency: march }]);
    });

    it('refuses a malformed day with BAD_USER_INPUT on `on`, before any statement', async () => {
      await billing.resetStatements();
      const { body } = await billing.query('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Money { inBaseCurrency(on: "2025-02-30T00:00:00Z") { amount } } } }', {
        r: [{ __typename: 'Money', amount: '1.00', currency: 'USD' }],
      });
      expect(body.data).toEqual({ _entities: [{ inBaseCurrency: null }] });
      expect(errorExtensions(body.errors?.[0])).toEqual({ code: 'BAD_USER_INPUT', field: 'on', system: 'billing', subgraph: 'billing' });
      expect(await billing.statements()).toBe(0);
    });

    it('stores a new rate and a correction, which conversions use from then on', async () => {
      const set = async (perEurValue: string) => billing.query(SET_RATE, { input: { currency: 'JPY', date: '2025-01-01', perEur: perEurValue, source: 'treasury desk' } });
      expect((await set('150')).body.data).toEqual({ setExchangeRate: { currency: 'JPY', date: '2025-01-01', perEur: '150', source: 'treasury desk' } });
      expect((await set('160.5')).body.data!.setExchangeRate.perEur).toBe('160.5');
      const { body } = await billing.query(MONEY, { representations: [{ __typename: 'Money', amount: '16050.00', currency: 'JPY' }] });
      expect(body.data!._entities[0].inBaseCurrency).toMatchObject({ amount: '100.00', rateDate: '2025-01-01', rateSource: 'treasury desk' });
    });

    it.each([
      [{ currency: 'eur' }, 'input.currency'],
      [{ currency: 'EUR' }, 'input.currency'],
      [{ date: '2025-02-30' }, 'input.date'],
      [{ date: '2025-13-01' }, 'input.date'],
      [{ perEur: '0' }, 'input.perEur'],
      [{ perEur: '1.123456789' }, 'input.perEur'],
      [{ source: ' ' }, 'input.source'],
    ])('refuses %j with BAD_USER_INPUT on %s, before any statement', async (change, field) => {
      await billing.resetStatements();
      const { body } = await billing.query(SET_RATE, { input: { currency: 'CHF', date: '2025-01-01', perEur: '0.95', source: 'treasury desk', ...change } });
      expect(body.data).toEqual({ setExchangeRate: null });
      expect(errorExtensions(body.errors?.[0])).toEqual({ code: 'BAD_USER_INPUT', field, system: 'billing', subgraph: 'billing' });
      expect(await billing.statements()).toBe(0);
    });

    it('refuses a portal token with FORBIDDEN', async () => {
      const { body } = await billing.query(SET_RATE, { input: { currency: 'CHF', date: '2025-01-01', perEur: '0.95', source: 'x' } }, portalPrincipal(dataset.customers[0]!));
      expect(errorExtensions(body.errors?.[0])).toMatchObject({ code: 'FORBIDDEN' });
      expect((await ratesOn(billing, '2025-01-02T00:00:00Z')).has('CHF')).toBe(false);
    });
  });
});
