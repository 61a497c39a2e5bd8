import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset } from './helpers/expected.js';
import { graphqlAs, graphqlAsAdmin, startStack, type Stack } from './helpers/stack.js';

/**
 * Issue 18, point 3: a report pages through every order (7 at a time) while another client
 * creates and cancels orders through the gateway. Keyset cursors must show every order that was
 * there before the scan exactly once; offset cursors repeated a row after each insert.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const asReport = graphqlAs({ preset: 'sales' });
const asShop = graphqlAsAdmin;
const SHOP_PAUSE_MS = 40;

const PAGE = /* GraphQL */ `
  query ($after: String) {
    orders(first: 7, after: $after) {
      nodes {
        number
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
const CREATE = /* GraphQL */ `
  mutation ($input: CreateOrderInput!) {
    createOrder(input: $input) {
      number
      version
    }
  }
`;
const CANCEL = /* GraphQL */ `
  mutation ($number: String!, $version: Int!) {
    cancelOrder(number: $number, expectedVersion: $version) {
      status
    }
  }
`;

/**
 * Creates orders and cancels them (and seeded approved ones) until told to stop; counts its writes.
 * It pauses between rounds: flat out it made ~700 writes in one scan, which slowed each page
 * from ~11 ms to ~67 ms on two cores and pushed the scan past its timeout when other test files
 * ran beside it. A few dozen inserts spread over the scan already move an offset cursor.
 */
function startShop(): { stop(): Promise<{ created: number; cancelled: number }> } {
  let running = true;
  const counts = { created: 0, cancelled: 0 };
  const seededApproved = dataset.orders.filter((order) => order.statusCode === 'A').map((order) => order.number);
  const write = async (query: string, variables: Record<string, unknown>) => {
    const { body } = await asShop(stack.gatewayUrl, query, variables);
    if (body.errors) throw new Error(`the shop's write failed: ${JSON.stringify(body.errors)}`);
    return body.data!;
  };
  const loop = (async () => {
    for (let n = 0; running; n += 1) {
      const input = { idempotencyKey: `paging-shop-${n}`, customerId: 'cus_0002', lines: [{ sku: dataset.products[0]!.sku, quantity: 1 }] };
      const { createOrder } = await write(CREATE, { input });
      counts.created += 1;
      if (n % 2 === 0) {
        await write(CANCEL, { number: createOrder.number, version: createOrder.version });
        counts.cancelled += 1;
      }
      const seeded = seededApproved.pop();
      if (seeded) {
        await write(CANCEL, { number: seeded, version: 1 });
        counts.cancelled += 1;
      }
      await sleep(SHOP_PAUSE_MS);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return counts;
    },
  };
}

describe('paging through orders while another client writes', () => {
  // 429 pages of real gateway round trips beside a writer: ~10 s alone, several times that when
  // other test files share the two cores, so this test gets more than the default minute.
  it('sees every order present before the scan exactly once', { timeout: 180_000 }, async () => {
    const before = dataset.orders.map((order) => order.number);
    const total = await asReport(stack.gatewayUrl, '{ orders(first: 0) { totalCount } }');
    expect(total.body).toEqual({ data: { orders: { totalCount: before.length } } });

    const shop = startShop();
    const seen: string[] = [];
    let writesDuringScan = { created: 0, cancelled: 0 };
    try {
      let after: string | null = null;
      for (let pages = 0; ; pages += 1) {
        expect(pages).toBeLessThan(1000);
        const { body } = await asReport(stack.gatewayUrl, PAGE, { after });
        expect(body.errors).toBeUndefined();
        const { nodes, pageInfo } = body.data!.orders as { nodes: { number: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
        seen.push(...nodes.map((node) => node.number));
        if (!pageInfo.hasNextPage) break;
        after = pageInfo.endCursor;
      }
    } finally {
      writesDuringScan = await shop.stop();
    }

    // The writes really happened while the report paged: each insert moved an offset cursor by one.
    expect(writesDuringScan.created).toBeGreaterThan(20);
    expect(writesDuringScan.cancelled).toBeGreaterThan(20);
    const duplicates = seen.filter((number, index) => seen.indexOf(number) !== index);
    expect(duplicates).toEqual([]);
    const seenOnce = new Set(seen);
    expect(before.filter((number) => !seenOnce.has(number))).toEqual([]);
    const totalAfter = await asReport(stack.gatewayUrl, '{ orders(first: 0) { totalCount } }');
    expect(totalAfter.body.data!.orders.totalCount).toBe(before.length + writesDuringScan.created);
  });

  it('answers a cursor of another list with BAD_USER_INPUT naming after, not a 500', async () => {
    const products = await asReport(stack.gatewayUrl, '{ products(first: 1) { pageInfo { endCursor } } }');
    const foreign = products.body.data!.products.pageInfo.endCursor as string;
    for (const after of [foreign, 'bzo5OQ', 'not a cursor']) {
      const { status, body } = await asReport(stack.gatewayUrl, PAGE, { after });
      expect(status).toBe(200);
      expect(body.data).toEqual({ orders: null });
      expect(body.errors?.[0]).toMatchObject({ message: 'after is not a cursor returned by this field', extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
    }
  });
});
