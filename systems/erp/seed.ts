import type { Queryable, TransactionalQueryable } from '../../common/contracts/sql.js';
import type { Dataset } from '../seed/types.js';
import { FIRST_ORDER_NO } from './migrations.js';
import { orderNoValue, parseOrderKey, parseProductKey } from './keys.js';

export interface ErpSeedCounts {
  products: number;
  orders: number;
  orderLines: number;
}

/** Held while seeding, so two replicas starting on one empty server seed it once. */
const SEED_LOCK_KEY = 4102;

function key(parse: (id: string) => number | null, id: string): number {
  const n = parse(id);
  if (n === null) throw new Error(`seed id ${id} does not map to an ERP key`);
  return n;
}

/**
 * Loads the data set's products, orders and lines when `products` is empty, in ONE transaction
 * of bulk `unnest` inserts (a handful of statements, however large the data set), then moves
 * both sequences past the seeded maximum. Returns `null` when the database already had data.
 */
export async function seedErpIfEmpty(db: TransactionalQueryable, dataset: Dataset): Promise<ErpSeedCounts | null> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    const { rows } = await tx.query<{ seeded: boolean }>('SELECT EXISTS (SELECT 1 FROM products) AS seeded');
    if (rows[0]?.seeded) return null;

    const products = dataset.products;
    await tx.query(
      `INSERT INTO products (product_id, sku, descr, list_price_cents, qty_on_hand)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::int[])`,
      [products.map((p) => key(parseProductKey, p.id)), products.map((p) => p.sku), products.map((p) => p.name), products.map((p) => p.priceCents), products.map((p) => p.stock)],
    );

    const orders = dataset.orders;
    await tx.query(
      `INSERT INTO orders (order_id, order_no, cust_ref, status_cd, placed_at, currency_cd, total_cents)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::bigint[])`,
      [
        orders.map((o) => key(parseOrderKey, o.id)),
        orders.map((o) => o.number),
        orders.map((o) => o.customerId),
        orders.map((o) => o.statusCode),
        orders.map((o) => o.placedAt),
        orders.map((o) => o.currency),
        orders.map((o) => o.totalCents),
      ],
    );

    const lines = orders.flatMap((o) => o.lines.map((line) => ({ orderId: key(parseOrderKey, o.id), ...line })));
    await tx.query(
      `INSERT INTO order_lines (order_id, line_no, product_id, qty, unit_price_cents)
       SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::int[])`,
      [
        lines.map((l) => l.orderId),
        lines.map((l) => l.lineNo),
        lines.map((l) => key(parseProductKey, l.productId)),
        lines.map((l) => l.quantity),
        lines.map((l) => l.unitPriceCents),
      ],
    );

    // New orders continue after the seeded ones: next id and next number follow the maximum.
    const maxOrderNo = orders.reduce((max, o) => Math.max(max, orderNoValue(o.number)), FIRST_ORDER_NO - 1);
    const maxOrderId = orders.reduce((max, o) => Math.max(max, key(parseOrderKey, o.id)), 0);
    await tx.query(`SELECT setval('order_no_seq', $1), setval('orders_order_id_seq', $2, $3)`, [maxOrderNo, Math.max(1, maxOrderId), maxOrderId > 0]);

    return { products: products.length, orders: orders.length, orderLines: lines.length };
  });
}
