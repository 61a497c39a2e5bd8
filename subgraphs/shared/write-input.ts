import { createHash } from 'node:crypto';
import { badInput, type ErrorOrigin } from './errors.js';
import { parseAmountToCents } from './money.js';

/**
 * The checks every creating mutation makes the same way (createOrder, recordPayment, issueInvoice,
 * openTicket): its idempotency key, the fingerprint a replay is compared by, and money input.
 * Each refusal is BAD_USER_INPUT naming the input field.
 */

export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

export function checkIdempotencyKey(key: string, origin: ErrorOrigin): string {
  if (key.length < 1 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw badInput(origin, 'input.idempotencyKey', `idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
  }
  return key;
}

/** What makes two requests "the same" for a replay: a hash over their meaning, in a fixed order. */
export function requestFingerprint(meaning: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(meaning)).digest('hex');
}

/** A decimal amount (at most two decimals) greater than zero, as integer cents. */
export function readPositiveAmount(amount: string, origin: ErrorOrigin): number {
  const cents = parseAmountToCents(amount);
  if (cents === null || cents <= 0) throw badInput(origin, 'input.amount', 'amount must be a decimal greater than zero with at most two decimals');
  return cents;
}

/** An ISO 4217 code: three upper-case letters. */
export function readCurrencyCode(currency: string, origin: ErrorOrigin): string {
  if (!/^[A-Z]{3}$/.test(currency)) throw badInput(origin, 'input.currency', 'currency must be three upper-case letters (ISO 4217)');
  return currency;
}
