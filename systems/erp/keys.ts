/**
 * The ERP keys its rows with integers; outside the ERP they appear as prefixed ids
 * (`prd_0001`, `ord_000001`), the same ids the seed data set and the other systems use.
 * Parsing accepts only the canonical spelling, so `ord_1` and `ord_000001` never both match.
 */
const pad = (n: number, width: number) => String(n).padStart(width, '0');

function parser(prefix: string, format: (n: number) => string) {
  const pattern = new RegExp(`^${prefix}_(\\d{1,9})$`);
  return (id: string): number | null => {
    const match = pattern.exec(id);
    if (!match) return null;
    const n = Number(match[1]);
    return n > 0 && n <= 2_147_483_647 && format(n) === id ? n : null;
  };
}

export const productKey = (productId: number): string => `prd_${pad(productId, 4)}`;
export const orderKey = (orderId: number): string => `ord_${pad(orderId, 6)}`;

/** `prd_0001` → 1; `null` for anything that is not a canonical product id. */
export const parseProductKey = parser('prd', productKey);
/** `ord_000001` → 1; `null` for anything that is not a canonical order id. */
export const parseOrderKey = parser('ord', orderKey);

/** Numeric part of an order number (`SO-100001` → 100001), for moving the number sequence. */
export function orderNoValue(orderNo: string): number {
  const match = /^SO-(\d+)$/.exec(orderNo);
  if (!match) throw new Error(`not an ERP order number: ${orderNo}`);
  return Number(match[1]);
}
