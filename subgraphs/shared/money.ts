export interface Money {
  amount: string;
  currency: string;
}

/** Cents → `Money` with a two-decimal string; negative amounts are credits. */
export function money(cents: number, currency: string): Money {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  const units = Math.floor(abs / 100);
  const rest = String(abs % 100).padStart(2, '0');
  return { amount: `${sign}${units}.${rest}`, currency };
}

const DECIMAL = /^-?\d{1,12}(\.\d{1,2})?$/;

/** Parses a decimal string (at most two decimals) into integer cents; `null` when malformed. */
export function parseAmountToCents(amount: string): number | null {
  if (!DECIMAL.test(amount)) return null;
  const negative = amount.startsWith('-');
  const [units = '0', fraction = ''] = amount.replace('-', '').split('.');
  const cents = Number(units) * 100 + Number(fraction.padEnd(2, '0'));
  return negative ? -cents : cents;
}
