import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import type { SeedOrder } from '../../systems/seed/types.js';
import { erpBackends, useErp } from '../../test/helpers/subgraphs/erp.js';

/** The erp subgraph's keyset connections and totalCount, through GraphQL, with writes between pages. */
const dataset = generateDataset();
const backends = await erpBackends();
const newestFirst = (a: SeedOrder, b: SeedOrder) => b.placedAt.localeCompare(a.placedAt) || b.id.localeCompare(a.id);
const numbers = (orders: SeedOrder[]) => [...orders].sort(newestFirst).map((order) => ({ number: order.number }));

const ORDERS = 'query ($after: String, $status: OrderStatus) { orders(first: 3, after: $after, status: $status) { nodes { number } pageInfo { hasNextPage endCursor } } }';
const CREATE = 'mutation ($input: CreateOrderInput!) { createOrder(input: $input) { number version } }';
const CANCEL = 'mutation ($number: String!) { cancelOrder(number: $number, expectedVersion: 1) { status } }';

describe.each(backends)('erp keyset paging on $name', (backend) => {
  describe.skipIf(!backend.available)('connections', () => {
    const erp = useErp(backend);
    const page = async (after: string | null, status?: string) => (await erp.query(ORDERS, { after, status })).body.data!.orders;
    const place = async (key: string) =>
      (await erp.query(CREATE, { input: { idempotencyKey: key, customerId: 'cus_9201', lines: [{ sku: dataset.products[0]!.sku, quantity: 1 }] } })).body.data!.createOrder;

    it('continues after the last order seen when a newer order is placed between pages', async () => {
      const first = await page(null);
      await place('paging-insert');
      const second = await page(first.pageInfo.endCursor);
      expect([...first.nodes, ...second.nodes]).toEqual(numbers(dataset.orders).slice(0, 6));
    });

    it('skips nothing when an order already seen leaves a filtered list between pages', async () => {
      // createOrder places APPROVED orders, never drafts: the DRAFT list is the seed's.
      const drafts = dataset.orders.filter((order) => order.statusCode === 'D');
      const first = await page(null, 'DRAFT');
      expect(first.nodes).toEqual(numbers(drafts).slice(0, 3));
      // Cancelled, the first draft leaves the DRAFT list: an offset would now skip one.
      expect((await erp.query(CANCEL, { number: first.nodes[0].number })).body.errors).toBeUndefined();
      const second = await page(first.pageInfo.endCursor, 'DRAFT');
      expect(second.nodes).toEqual(numbers(drafts).slice(3, 6));
    });

    it("pages a customer's orders by key and counts them in one statement for the batch", async () => {
      const customers = dataset.customers.slice(0, 50).map((customer) => customer.id);
      const text = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { orders(first: 1) { totalCount } } } }';
      await erp.resetStatements();
      const { body } = await erp.query(text, { r: customers.map((id) => ({ __typename: 'Customer', id })) });
      expect(await erp.statements()).toBe(2);
      expect(body.data!._entities).toEqual(customers.map((id) => ({ orders: { totalCount: dataset.orders.filter((order) => order.customerId === id).length } })));
    });

    it('counts the whole filtered list only when totalCount is selected', async () => {
      const cancelledBefore = dataset.orders.filter((order) => order.statusCode === 'X').length;
      await erp.resetStatements();
      await erp.query('{ orders(first: 2, status: DELIVERED) { nodes { number } } }');
      expect(await erp.statements()).toBe(1);
      await erp.resetStatements();
      const delivered = await erp.query('{ orders(first: 2, status: DELIVERED, placedBefore: "2030-01-01T00:00:00Z") { totalCount } }');
      expect(await erp.statements()).toBe(2);
      expect(delivered.body.data!.orders.totalCount).toBe(dataset.orders.filter((order) => order.statusCode === 'F').length);
      const products = await erp.query('{ products(first: 0) { totalCount nodes { sku } } }');
      expect(products.body.data!.products).toEqual({ totalCount: dataset.products.length, nodes: [] });
      // The earlier tests of this file cancelled one seeded order.
      const cancelled = await erp.query('{ orders(status: CANCELLED) { totalCount } }');
      expect(cancelled.body.data!.orders.totalCount).toBeGreaterThanOrEqual(cancelledBefore);
    });

    it.each([
      ['a products cursor', async () => (await erp.query('{ products(first: 1) { pageInfo { endCursor } } }')).body.data!.products.pageInfo.endCursor as string],
      ['an old offset cursor', async () => Buffer.from('o:99', 'utf8').toString('base64url')],
      ['a tampered cursor', async () => `${(await page(null)).pageInfo.endCursor}x`],
    ])('refuses %s on orders with BAD_USER_INPUT naming after', async (_what, cursor) => {
      const { body } = await erp.query(ORDERS, { after: await cursor() });
      expect(body.data).toEqual({ orders: null });
      expect(body.errors?.[0]).toMatchObject({ message: 'after is not a cursor returned by this field', extensions: { code: 'BAD_USER_INPUT', field: 'after', system: 'erp' } });
    });
  });
});
