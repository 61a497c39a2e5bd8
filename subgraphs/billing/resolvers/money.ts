import { isCalendarDay, readOptionalDateTime } from '../../shared/aggregates.js';
import { badInput, subgraphError } from '../../shared/errors.js';
import { money, parseAmountToCents, type Money as MoneyModel } from '../../shared/money.js';
import { restrictedCustomer } from '../../shared/row-rules.js';
import type { MoneyResolvers, MutationResolvers, QueryResolvers, SetExchangeRateInput } from '../__generated__/resolvers-types.js';
import type { BillingContext } from '../context.js';
import { convertCents, trimDecimal, type ConvertedCents, type ExchangeRateModel } from '../db-rates.js';
import { ORIGIN } from '../origin.js';

/**
 * Amounts in the base currency. Money is an entity keyed by amount and currency, so the gateway
 * brings any system's amounts here when a client asks for `inBaseCurrency`; billing owns the rates.
 */

const dayOf = (instant: Date) => instant.toISOString().slice(0, 10);

/** `0.91743119…` → `0.91743119`: eight decimals, as rates are stored, trailing zeros dropped. */
const formatRate = (rate: number) => trimDecimal(rate.toFixed(8));

function convertedMoney(converted: ConvertedCents, base: string) {
  return { amount: money(converted.cents, base).amount, currency: base, rate: formatRate(converted.rate), rateDate: converted.rateDate, rateSource: converted.rateSource };
}

export const Money: MoneyResolvers<BillingContext, MoneyModel> = {
  __resolveReference: (ref) => ({ amount: ref.amount, currency: ref.currency }),
  async inBaseCurrency(amount, args, { db, loaders }) {
    // The day is read first: a malformed `on` is the client's mistake whatever the amount.
    const on = readOptionalDateTime(args.on, 'on', ORIGIN) ?? new Date();
    const cents = parseAmountToCents(amount.amount);
    if (cents === null) return null;
    const converted = convertCents(cents, amount.currency, db.baseCurrency, await loaders.ratesOnDay.load(dayOf(on)));
    return converted && convertedMoney(converted, db.baseCurrency);
  },
};

export const rateQueries: Pick<QueryResolvers, 'exchangeRates' | 'baseCurrency'> = {
  async exchangeRates(_root, args, { loaders }) {
    const on = readOptionalDateTime(args.on, 'on', ORIGIN) ?? new Date();
    return [...(await loaders.ratesOnDay.load(dayOf(on))).values()];
  },
  baseCurrency: (_root, _args, { db }) => db.baseCurrency,
};

export const rateMutations: Pick<MutationResolvers, 'setExchangeRate'> = {
  async setExchangeRate(_root, { input }, { principal, db }) {
    if (restrictedCustomer(principal) !== null) throw subgraphError('FORBIDDEN', 'a customer portal token may not set exchange rates', ORIGIN, { field: 'input' });
    return db.setExchangeRate(readExchangeRate(input));
  },
};

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const RATE = /^\d{1,10}(\.\d{1,8})?$/;

/** Checks every field before the one statement; the first bad field is reported. */
export function readExchangeRate(input: SetExchangeRateInput): ExchangeRateModel {
  if (!/^[A-Z]{3}$/.test(input.currency)) throw badInput(ORIGIN, 'input.currency', 'currency must be three upper-case letters (ISO 4217)');
  if (input.currency === 'EUR') throw badInput(ORIGIN, 'input.currency', 'rates are per euro: EUR is always 1');
  const day = DAY.exec(input.date);
  if (!day || !isCalendarDay(input.date) || Number(day[1]) < 1900) {
    throw badInput(ORIGIN, 'input.date', 'date must be a calendar day, YYYY-MM-DD');
  }
  if (!RATE.test(input.perEur) || Number(input.perEur) <= 0) throw badInput(ORIGIN, 'input.perEur', 'perEur must be a positive decimal with at most 8 decimals');
  const source = input.source.trim();
  if (source.length === 0 || source.length > 200) throw badInput(ORIGIN, 'input.source', 'source must be 1 to 200 characters');
  return { currency: input.currency, date: input.date, perEur: input.perEur, source };
}
