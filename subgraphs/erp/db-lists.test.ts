import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/services.js';
import { erpBackends, START_HOOK_TIMEOUT_MS } from '../../test/helpers/subgraphs/erp.js';
import { readPage, toConnection, type Keyset } from '../shared/connection.js';
import { openDatabase, type Database } from '../shared/sql.js';
import { erpQueries, openErpDb, type ErpDb } from './db.js';
import { CUSTOMER_ORDERS_KEYSET, ORDERS_KEYSET, PRODUCTS_KEYSET } from './keysets.js';
import type { OrderModel } from './models.js';
import { ORIGIN } from './origin.js';

/**
 * The ERP's keyset pages against the database itself, with rows inserted and deleted between
 * pages by raw SQL on the same connection (PGlite allows one): what no GraphQL client can do.
 */
const dataset = generateDataset();
const backends = await erpBackends();
const NO_FILTER = { status: null, placedAfter: null, placedBefore: null };

/** Every page of a list, `first` at a time, with `between` run after each page. */
async function scan<T>(
  keyset: Keyset<T>,
  first: number,
  fetch: (page: ReturnType<typeof readPage>) => Promise<T[]>,
  between: (pageIndex: number, nodes: T[]) => Promise<void>,
): Promise<T[]> {
  const seen: T[] = [];
  let after: string | null = null;
  for (let index = 0; index < 10_000; index += 1) {
    const page = readPage({ first, after }, keyset, ORIGIN);
    const connection = toConnection(await fetch(page), page, keyset);
    seen.push(...connection.nodes);
    if (!connection.pageInfo.hasNextPage) return seen;
    after = connection.pageInfo.endCursor;
    await between(index, connection.nodes);
  }
  throw new Error('the scan never ended');
}

describe.each(backends)('ERP keyset lists on $name', (backend) => {
  describe.skipIf(!backend.available)('pages under writes', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-erp-lists-'));
    let database: TestDatabase | undefined;
    let sql: Database;
    let db: ErpDb;

    /** A new order placed at `placedAt` (ISO-8601; now when omitted), with no lines. */
    const insertOrder = async (placedAt = new Date().toISOString(), customerId = 'cus_9901') => {
      const { rows } = await sql.query<{ order_no: string }>(
        `INSERT INTO orders (order_no, cust_ref, status_cd, placed_at, currency_cd, total_cents)
         VALUES ('SO-' || nextval('order_no_seq'), $1, 'A', $2::timestamptz, 'EUR', 100) RETURNING order_no`,
        [customerId, placedAt],
      );
      return rows[0]!.order_no;
    };
    const deleteOrder = (number: string) => sql.query('DELETE FROM orders WHERE order_no = $1', [number]);

    beforeAll(async () => {
      if (backend.name === 'postgres') database = await createTestDatabase('erp');
      const opened = await openErpDb({ databaseUrl: database?.url, dataDir, statementTimeoutMs: 5000, dataset });
      await opened.db.close();
      sql = await openDatabase({ url: database?.url, dataDir: join(dataDir, 'erp', 'pgdata') });
      // Order lines would hold the deleted orders; these tests page orders only.
      await sql.query('DELETE FROM order_lines');
      db = erpQueries(sql);
    }, START_HOOK_TIMEOUT_MS);

    afterAll(async () => {
      await sql?.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('sees every order that was there before exactly once while orders are placed and deleted between pages', async () => {
      const before = await scan(
        ORDERS_KEYSET,
        50,
        (page) => db.listOrders(page, NO_FILTER, null),
        async () => undefined,
      );
      const deleted = new Set<string>();
      const seen = await scan(
        ORDERS_KEYSET,
        7,
        (page) => db.listOrders(page, NO_FILTER, null),
        async (index, nodes) => {
          // A new newest order at every page, and now and then the page's last row (the cursor's own) deleted.
          await insertOrder(new Date(Date.now() + index * 1000).toISOString());
          if (index % 3 === 0) {
            const last = nodes.at(-1)!.number;
            await deleteOrder(last);
            deleted.add(last);
          }
        },
      );
      const numbers = seen.map((order) => order.number);
      expect(new Set(numbers).size).toBe(numbers.length);
      expect(numbers).toEqual(before.map((order) => order.number));
      expect(deleted.size).toBeGreaterThan(10);
    });

    it('keeps orders placed within one millisecond apart (the cursor holds microseconds)', async () => {
      const numbers = [await insertOrder('2031-01-01T00:00:00.000100Z'), await insertOrder('2031-01-01T00:00:00.000300Z'), await insertOrder('2031-01-01T00:00:00.000200Z')];
      const seen: OrderModel[] = [];
      let after: string | null = null;
      for (let index = 0; index < 3; index += 1) {
        const page = readPage({ first: 1, after }, ORDERS_KEYSET, ORIGIN);
        const connection = toConnection(await db.listOrders(page, NO_FILTER, null), page, ORDERS_KEYSET);
        seen.push(...connection.nodes);
        after = connection.pageInfo.endCursor;
      }
      expect(seen.map((order) => order.number)).toEqual([numbers[1], numbers[2], numbers[0]]);
      expect(new Set(seen.map((order) => order.placedAt))).toEqual(new Set(['2031-01-01T00:00:00.000Z']));
      for (const number of numbers) await deleteOrder(number);
    });

    it("pages one customer's orders by key, whatever is placed in front", async () => {
      const customerId = dataset.orders[0]!.customerId;
      const all = (await db.ordersOfCustomers([customerId], { limit: 1000, after: null }, null)).get(customerId)!;
      expect(all.length).toBeGreaterThan(2);
      const first = readPage({ first: 2 }, CUSTOMER_ORDERS_KEYSET, ORIGIN);
      const page1 = toConnection((await db.ordersOfCustomers([customerId], first, null)).get(customerId)!, first, CUSTOMER_ORDERS_KEYSET);
      await insertOrder(undefined, customerId);
      const second = readPage({ first: 1000, after: page1.pageInfo.endCursor }, CUSTOMER_ORDERS_KEYSET, ORIGIN);
      const rest = (await db.ordersOfCustomers([customerId], second, null)).get(customerId)!;
      expect([...page1.nodes, ...rest].map((order) => order.number)).toEqual(all.map((order) => order.number));
      expect((await db.countOrdersOfCustomers([customerId, 'cus_nobody'], null)).get(customerId)).toBe(all.length + 1);
    });

    it('pages products by id and counts what the list holds', async () => {
      const products = await scan(
        PRODUCTS_KEYSET,
        9,
        (page) => db.listProducts(page),
        async () => undefined,
      );
      expect(products.map((product) => product.sku)).toEqual(dataset.products.map((product) => product.sku));
      expect(await db.countProducts()).toBe(dataset.products.length);
    });

    it('counts the orders a filtered list holds', async () => {
      const cancelled = await scan(
        ORDERS_KEYSET,
        100,
        (page) => db.listOrders(page, { ...NO_FILTER, status: 'CANCELLED' }, null),
        async () => undefined,
      );
      expect(await db.countOrders({ ...NO_FILTER, status: 'CANCELLED' }, null)).toBe(cancelled.length);
    });
  });
});
