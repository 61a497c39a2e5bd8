import { badInput } from '../shared/errors.js';
import { checkIdempotencyKey } from '../shared/write-input.js';
import type { CreateOrderInput } from './__generated__/resolvers-types.js';
import type { OrderRequest } from './db-orders.js';
import { ORIGIN } from './origin.js';

export const ORDER_CURRENCIES = ['EUR', 'USD', 'GBP'] as const;
export const MAX_ORDER_LINES = 50;
export const MAX_LINE_QUANTITY = 10_000;
const MAX_SKU_LENGTH = 32;

/**
 * Checks `createOrder`'s input before anything touches the database, and names the first bad
 * field (`input.lines.1.quantity`) so a client can point at it. Returns the request with defaults.
 */
export function validateCreateOrder(input: CreateOrderInput): OrderRequest {
  const fail = (field: string, message: string) => badInput(ORIGIN, `input.${field}`, message);
  checkIdempotencyKey(input.idempotencyKey, ORIGIN);
  if (!/^cus_\d{1,12}$/.test(input.customerId)) throw fail('customerId', 'customerId must be a customer id like cus_0001');
  const currency = input.currency ?? 'EUR';
  if (!(ORDER_CURRENCIES as readonly string[]).includes(currency)) {
    throw fail('currency', `currency must be one of ${ORDER_CURRENCIES.join(', ')}`);
  }
  if (input.lines.length < 1 || input.lines.length > MAX_ORDER_LINES) {
    throw fail('lines', `an order has 1 to ${MAX_ORDER_LINES} lines`);
  }
  const seen = new Set<string>();
  input.lines.forEach((line, index) => {
    if (line.sku.length < 1 || line.sku.length > MAX_SKU_LENGTH) throw fail(`lines.${index}.sku`, 'sku must be 1 to 32 characters');
    // One line per product keeps line numbers meaningful and the reservation a single update.
    if (seen.has(line.sku)) throw fail(`lines.${index}.sku`, `${line.sku} appears on more than one line`);
    seen.add(line.sku);
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_LINE_QUANTITY) {
      throw fail(`lines.${index}.quantity`, `quantity must be between 1 and ${MAX_LINE_QUANTITY}`);
    }
  });
  return {
    idempotencyKey: input.idempotencyKey,
    customerId: input.customerId,
    currency,
    lines: input.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
  };
}
