import { afterAll, beforeAll, describe, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import type { SeedOrder, SeedProduct } from '../../systems/seed/types.js';
import { BATCH_SIZES, expectBatched, keysWithUnknown, startSqlBatchingTarget, type BatchingTarget, type FanOutCase } from '../../test/helpers/batching.js';
import { sqlBackends, START_HOOK_TIMEOUT_MS } from '../../test/helpers/sql-subgraph.js';

/**
 * DataLoader audit of the erp subgraph (issue 4): every path that can fan out costs ONE SQL
 * statement per batch (per loader level), counted under the SQL interface, for 10, 100 and 1000
 * keys: `= ANY($1)` takes any number of keys, so no per-statement limit splits a batch.
 * SEED_SCALE 7 seeds 1050 products (1000 distinct product keys), 2800 customers and 21000 orders.
 */
const SCALE = 7;
const dataset = generateDataset({ scale: SCALE });
const backends = await sqlBackends();

const STATUS = { D: 'DRAFT', A: 'APPROVED', S: 'SHIPPED', F: 'DELIVERED', X: 'CANCELLED' } as const;
const amount = (cents: number) => (cents / 100).toFixed(2);
const newestFirst = (a: SeedOrder, b: SeedOrder) => b.placedAt.localeCompare(a.placedAt) || b.id.localeCompare(a.id);
const ordersNewestFirst = [...dataset.orders].sort(newestFirst);
const productById = new Map(dataset.products.map((product) => [product.id, product]));
const productBySku = new Map(dataset.products.map((product) => [product.sku, product]));
const orderById = new Map(dataset.orders.map((order) => [order.id, order]));
const orderByNumber = new Map(dataset.orders.map((order) => [order.number, order]));
const ordersOfCustomer = new Map<string, SeedOrder[]>();
for (const order of ordersNewestFirst) ordersOfCustomer.set(order.customerId, [...(ordersOfCustomer.get(order.customerId) ?? []), order]);

const PRODUCT_FIELDS = 'id sku name price { amount currency } stock';
const productJson = (product: SeedProduct | undefined) =>
  product ? { id: product.id, sku: product.sku, name: product.name, price: { amount: amount(product.priceCents), currency: 'EUR' }, stock: product.stock } : null;
const ORDER_FIELDS = 'id number status total { amount currency } customer { id }';
const orderJson = (order: SeedOrder | undefined) =>
  order
    ? {
        id: order.id,
        number: order.number,
        status: STATUS[order.statusCode],
        total: { amount: amount(order.totalCents), currency: order.currency },
        customer: { id: order.customerId },
      }
    : null;
const LINE_FIELDS = 'number lines { lineNumber quantity product { sku } }';
const linesJson = (order: SeedOrder | undefined) =>
  order
    ? { number: order.number, lines: order.lines.map((line) => ({ lineNumber: line.lineNo, quantity: line.quantity, product: { sku: productById.get(line.productId)!.sku } })) }
    : null;

const entities = (selection: string) => `query ($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`;
/** `Type.__resolveReference(key)` for n keys (one unknown): answer from `expected`, `statements` for the whole request. */
function references<K extends string>(typename: string, key: string, keys: (n: number) => K[], selection: string, expected: (key: K) => unknown, statements: number) {
  return (n: number) => {
    const chosen = keys(n);
    return {
      query: entities(`... on ${typename} { ${selection} }`),
      variables: { r: chosen.map((value) => ({ __typename: typename, [key]: value })) },
      data: { _entities: chosen.map(expected) },
      counts: { sqlStatements: statements },
    };
  };
}
const productIds = (n: number) =>
  keysWithUnknown(
    dataset.products.map((product) => product.id),
    n,
    'prd_9999',
  );
const orderNumbers = (n: number) =>
  keysWithUnknown(
    dataset.orders.map((order) => order.number),
    n,
    'SO-999999',
  );
const customerIds = (n: number) =>
  keysWithUnknown(
    dataset.customers.map((customer) => customer.id),
    n,
    'cus_9999',
  );
const customerOrders = (id: string, first: number) => (ordersOfCustomer.get(id) ?? []).slice(0, first);

const CASES: FanOutCase[] = [
  // productById: one `product_id = ANY($1)` statement.
  { path: 'Product.__resolveReference(id)', request: references('Product', 'id', productIds, PRODUCT_FIELDS, (id) => productJson(productById.get(id)), 1) },
  // productBySku: one `sku = ANY($1)` statement.
  {
    path: 'Product.__resolveReference(sku)',
    request: references(
      'Product',
      'sku',
      (n) =>
        keysWithUnknown(
          dataset.products.map((p) => p.sku),
          n,
          'SKU-00000',
        ),
      PRODUCT_FIELDS,
      (sku) => productJson(productBySku.get(sku)),
      1,
    ),
  },
  // orderById: one `order_id = ANY($1)` statement; Order.customer is a reference (no statement).
  {
    path: 'Order.__resolveReference(id) with customer',
    request: references(
      'Order',
      'id',
      (n) =>
        keysWithUnknown(
          dataset.orders.map((o) => o.id),
          n,
          'ord_999999',
        ),
      ORDER_FIELDS,
      (id) => orderJson(orderById.get(id)),
      1,
    ),
  },
  // orderByNumber: one `order_no = ANY($1)` statement.
  { path: 'Order.__resolveReference(number)', request: references('Order', 'number', orderNumbers, ORDER_FIELDS, (number) => orderJson(orderByNumber.get(number)), 1) },
  // orderByNumber → linesByOrderId (one statement for every order's lines) → productById (one for every product).
  { path: 'Order.lines → OrderLine.product', request: references('Order', 'number', orderNumbers, LINE_FIELDS, (number) => linesJson(orderByNumber.get(number)), 3) },
  // customerOrders: one windowed statement per distinct page (first, after, status) for every customer.
  {
    path: 'Customer.orders',
    request: references(
      'Customer',
      'id',
      customerIds,
      'id orders(first: 2) { nodes { number status } pageInfo { hasNextPage } }',
      (id) => ({
        id,
        orders: {
          nodes: customerOrders(id, 2).map((order) => ({ number: order.number, status: STATUS[order.statusCode] })),
          pageInfo: { hasNextPage: (ordersOfCustomer.get(id) ?? []).length > 2 },
        },
      }),
      1,
    ),
  },
  // customerOrders → linesByOrderId → productById: one statement per level.
  {
    path: 'Customer.orders → Order.lines → OrderLine.product',
    request: references(
      'Customer',
      'id',
      customerIds,
      `id orders(first: 2) { nodes { ${LINE_FIELDS} } }`,
      (id) => ({ id, orders: { nodes: customerOrders(id, 2).map(linesJson) } }),
      3,
    ),
  },
  // listOrders (one statement for the page) → linesByOrderId → productById.
  {
    path: 'Query.orders(first: n) → Order.lines → OrderLine.product',
    request: (n) => ({
      query: `query ($n: Int) { orders(first: $n) { nodes { ${LINE_FIELDS} } } }`,
      variables: { n },
      data: { orders: { nodes: ordersNewestFirst.slice(0, n).map(linesJson) } },
      counts: { sqlStatements: 3 },
    }),
  },
  // listProducts: one statement for the page.
  {
    path: 'Query.products(first: n)',
    request: (n) => ({
      query: `query ($n: Int) { products(first: $n) { nodes { ${PRODUCT_FIELDS} } } }`,
      variables: { n },
      data: { products: { nodes: dataset.products.slice(0, n).map(productJson) } },
      counts: { sqlStatements: 1 },
    }),
  },
];

describe.each(backends)('erp fan-out on $name', (backend) => {
  describe.skipIf(!backend.available)('one statement per batch', () => {
    let erp: BatchingTarget;
    beforeAll(async () => {
      erp = await startSqlBatchingTarget('erp', backend, SCALE);
    }, START_HOOK_TIMEOUT_MS);
    afterAll(async () => {
      await erp?.stop();
    }, START_HOOK_TIMEOUT_MS);

    describe.each(CASES)('$path', (fanOut) => {
      it.each(BATCH_SIZES)('answers %i keys with one statement per batch', async (n) => {
        await expectBatched(erp, fanOut.request(n));
      });
    });
  });
});
