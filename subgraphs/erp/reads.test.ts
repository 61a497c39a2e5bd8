import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import type { SeedOrder } from '../../systems/seed/types.js';
import { erpBackends, useErp } from '../../test/helpers/subgraphs/erp.js';

const dataset = generateDataset();
const backends = await erpBackends();

// Expected values come from the data set, spelled the way the subgraph presents it.
const STATUS = { D: 'DRAFT', A: 'APPROVED', S: 'SHIPPED', F: 'DELIVERED', X: 'CANCELLED' } as const;
const amount = (cents: number) => (cents / 100).toFixed(2);
const productsById = new Map(dataset.products.map((product) => [product.id, product]));
const product = (id: string) => productsById.get(id)!;
const newestFirst = (a: SeedOrder, b: SeedOrder) => b.placedAt.localeCompare(a.placedAt) || b.id.localeCompare(a.id);
const ordersNewestFirst = [...dataset.orders].sort(newestFirst);

const ENTITIES = /* GraphQL */ `
  query ($r: [_Any!]!) {
    _entities(representations: $r) {
      ... on Order {
        status
        total {
          amount
        }
        lines {
          quantity
          product {
            sku
          }
        }
      }
      ... on Customer {
        orders(first: 2) {
          nodes {
            number
          }
        }
      }
      ... on Product {
        id
        sku
        stock
      }
    }
  }
`;

describe.each(backends)('erp subgraph reads on $name', (backend) => {
  describe.skipIf(!backend.available)('queries', () => {
    const erp = useErp(backend);

    it('answers order(number) with its lines, products and total', async () => {
      const order = dataset.orders[0]!;
      const { body } = await erp.query(/* GraphQL */ `
        {
          order(number: "SO-100001") {
            id
            number
            status
            placedAt
            customer {
              id
            }
            total {
              amount
              currency
            }
            lines {
              lineNumber
              quantity
              unitPrice {
                amount
                currency
              }
              product {
                id
                sku
                name
                price {
                  amount
                  currency
                }
                stock
              }
            }
          }
        }
      `);
      expect(body).toEqual({
        data: {
          order: {
            id: order.id,
            number: 'SO-100001',
            status: STATUS[order.statusCode],
            placedAt: order.placedAt,
            customer: { id: order.customerId },
            total: { amount: amount(order.totalCents), currency: order.currency },
            lines: order.lines.map((line) => ({
              lineNumber: line.lineNo,
              quantity: line.quantity,
              unitPrice: { amount: amount(line.unitPriceCents), currency: order.currency },
              product: {
                id: line.productId,
                sku: product(line.productId).sku,
                name: product(line.productId).name,
                price: { amount: amount(product(line.productId).priceCents), currency: 'EUR' },
                stock: product(line.productId).stock,
              },
            })),
          },
        },
      });
    });

    it('answers null for an unknown order number', async () => {
      const { body } = await erp.query('{ order(number: "SO-999999") { id } }');
      expect(body).toEqual({ data: { order: null } });
    });

    it('pages orders newest first', async () => {
      const query = 'query ($after: String) { orders(first: 2, after: $after) { nodes { number } pageInfo { hasNextPage endCursor } } }';
      const first = await erp.query(query);
      const second = await erp.query(query, { after: first.body.data!.orders.pageInfo.endCursor });
      const numbers = ordersNewestFirst.map((order) => ({ number: order.number }));
      expect(first.body.data!.orders.nodes).toEqual(numbers.slice(0, 2));
      expect(second.body.data!.orders.nodes).toEqual(numbers.slice(2, 4));
      expect(second.body.data!.orders.pageInfo.hasNextPage).toBe(true);
    });

    it('filters orders by status', async () => {
      const { body } = await erp.query('{ orders(first: 3, status: CANCELLED) { nodes { number status } } }');
      const expected = ordersNewestFirst.filter((order) => order.statusCode === 'X').slice(0, 3);
      expect(body.data!.orders.nodes).toEqual(expected.map((order) => ({ number: order.number, status: 'CANCELLED' })));
    });

    it('pages products to the end', async () => {
      const { body } = await erp.query('{ products(first: 1000) { nodes { sku } pageInfo { hasNextPage } } }');
      expect(body.data!.products).toEqual({ nodes: dataset.products.map((p) => ({ sku: p.sku })), pageInfo: { hasNextPage: false } });
    });

    it('rejects a page size over the maximum with BAD_USER_INPUT on first', async () => {
      const { body } = await erp.query('{ orders(first: 5000) { nodes { number } } }');
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first', system: 'erp', subgraph: 'erp' });
    });

    it('resolves 500 orders by number with lines and products in 3 statements', async () => {
      const orders = dataset.orders.slice(0, 500);
      await erp.resetStatements();
      const { body } = await erp.query(ENTITIES, { r: orders.map((order) => ({ __typename: 'Order', number: order.number })) });
      expect(await erp.statements()).toBe(3);
      expect(body).toEqual({
        data: {
          _entities: orders.map((order) => ({
            status: STATUS[order.statusCode],
            total: { amount: amount(order.totalCents) },
            lines: order.lines.map((line) => ({ quantity: line.quantity, product: { sku: product(line.productId).sku } })),
          })),
        },
      });
    });

    it("resolves 300 customers' first two orders in 1 statement", async () => {
      const customers = dataset.customers.slice(0, 300);
      await erp.resetStatements();
      const { body } = await erp.query(ENTITIES, { r: customers.map((customer) => ({ __typename: 'Customer', id: customer.id })) });
      expect(await erp.statements()).toBe(1);
      expect(body).toEqual({
        data: {
          _entities: customers.map((customer) => ({
            orders: {
              nodes: ordersNewestFirst
                .filter((o) => o.customerId === customer.id)
                .slice(0, 2)
                .map((o) => ({ number: o.number })),
            },
          })),
        },
      });
    });

    it('resolves orders by id and products by id or sku, null when unknown', async () => {
      const p = dataset.products[4]!;
      const { body } = await erp.query(ENTITIES, {
        r: [
          { __typename: 'Product', id: p.id },
          { __typename: 'Product', sku: p.sku },
          { __typename: 'Product', sku: 'SKU-00000' },
          { __typename: 'Product', id: 'prd_4' },
          { __typename: 'Order', id: 'ord_000002' },
          { __typename: 'Order', id: 'ord_2' },
        ],
      });
      const second = dataset.orders[1]!;
      expect(body).toEqual({
        data: {
          _entities: [
            { id: p.id, sku: p.sku, stock: p.stock },
            { id: p.id, sku: p.sku, stock: p.stock },
            null,
            null,
            {
              status: STATUS[second.statusCode],
              total: { amount: amount(second.totalCents) },
              lines: second.lines.map((line) => ({ quantity: line.quantity, product: { sku: product(line.productId).sku } })),
            },
            null,
          ],
        },
      });
    });
  });
});
