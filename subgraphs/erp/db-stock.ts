import type { Queryable } from '../shared/sql.js';

/**
 * Stock reservation, shared by createOrder (db-orders.ts) and approveOrder (db-approve.ts): an
 * approved order holds its units off `qty_on_hand` until it is cancelled (db-cancel.ts).
 */
export interface Reservation {
  productId: number;
  /** Units of this product over the whole order: one entry per product. */
  quantity: number;
}

/**
 * Takes each reservation's units off its product's stock, conditionally: a product without
 * enough stock updates nothing. Returns the products reserved; the caller throws for any other,
 * which rolls back the ones that did reserve. Lock the products first, in product id order, so
 * concurrent writers on overlapping products queue instead of deadlocking.
 */
export async function reserveStock(tx: Queryable, reservations: readonly Reservation[]): Promise<Set<number>> {
  const { rows } = await tx.query<{ product_id: number }>(
    `UPDATE products p SET qty_on_hand = p.qty_on_hand - r.qty
     FROM unnest($1::int[], $2::int[]) AS r(product_id, qty)
     WHERE p.product_id = r.product_id AND p.qty_on_hand >= r.qty
     RETURNING p.product_id`,
    [reservations.map((item) => item.productId), reservations.map((item) => item.quantity)],
  );
  return new Set(rows.map((row) => row.product_id));
}
