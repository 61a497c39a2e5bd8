/**
 * Amounts as the API gives them (`Money.amount`: a decimal string with two decimals), added in
 * whole cents so no floating point rounds a total; currencies are never mixed.
 */

export function toCents(amount: string): number {
  const negative = amount.startsWith('-');
  const [whole = '0', fraction = ''] = amount.replace('-', '').split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
  return negative ? -cents : cents;
}

export function fromCents(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** `1234567.50` as `1,234,567.50` for reading; the CSV keeps the plain decimal. */
export function formatAmount(amount: string): string {
  const negative = amount.startsWith('-');
  const [whole = '0', fraction = '00'] = amount.replace('-', '').split('.');
  return `${negative ? '-' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction.padEnd(2, '0')}`;
}

/** Sums `amount(row)` per currency: `{ EUR: cents, USD: cents }`. */
export function totalsByCurrency<R>(rows: readonly R[], currency: (row: R) => string, amount: (row: R) => string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(currency(row), (totals.get(currency(row)) ?? 0) + toCents(amount(row)));
  return totals;
}
