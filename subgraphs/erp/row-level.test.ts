import { describe, expect, it } from 'vitest';
import { HARNESS_PRINCIPAL } from '../../test/helpers/tokens.js';
import type { Principal } from '../shared/context.js';
import { generateDataset } from '../../systems/seed/generate.js';
import type { SeedOrder } from '../../systems/seed/types.js';
import { erpBackends, useErp } from '../../test/helpers/subgraphs/erp.js';
import { portalPrincipal, withoutStacktraces } from '../../test/helpers/subgraphs/row-level.js';

/**
 * Row-level rules of the erp subgraph, called directly with the gateway's internal token for a
 * portal principal of cus_0001: another customer's orders are `null` + FORBIDDEN, never data.
 */
const dataset = generateDataset();
const backends = await erpBackends();

const A = dataset.customers.find((customer) => customer.id === 'cus_0001')!;
const B = dataset.customers.find((customer) => customer.id === 'cus_0002')!;
const PORTAL_A = portalPrincipal(A);

const newestFirst = (a: SeedOrder, b: SeedOrder) => b.placedAt.localeCompare(a.placedAt) || b.id.localeCompare(a.id);
const ordersOf = (customerId: string) => dataset.orders.filter((order) => order.customerId === customerId).sort(newestFirst);
const [ownOrder, otherOrder] = [ordersOf(A.id)[0]!, ordersOf(B.id)[0]!];

const forbidden = (what: string, path: (string | number)[], column: number, extra: Record<string, unknown> = {}) => ({
  message: `not allowed to access another customer's ${what}`,
  locations: [{ line: 1, column }],
  path,
  extensions: { code: 'FORBIDDEN', system: 'erp', subgraph: 'erp', ...extra },
});

const ENTITIES = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { number } ... on Customer { orders(first: 100) { nodes { number } } } } }';

describe.each(backends)('erp row-level rules on $name', (backend) => {
  describe.skipIf(!backend.available)('portal principal of cus_0001', () => {
    const erp = useErp(backend);
    const query = async (text: string, variables?: Record<string, unknown>, principal: Principal = PORTAL_A) =>
      withoutStacktraces((await erp.query(text, variables, principal)).body);

    it("answers another customer's order(number) with null and FORBIDDEN", async () => {
      expect(await query(`{ order(number: "${otherOrder.number}") { number customer { id } } }`)).toEqual({
        data: { order: null },
        errors: [forbidden('order', ['order'], 3)],
      });
    });

    it('answers its own order, and null without an error for an unknown number', async () => {
      expect(await query(`{ order(number: "${ownOrder.number}") { number customer { id } } }`)).toEqual({
        data: { order: { number: ownOrder.number, customer: { id: A.id } } },
      });
      expect(await query('{ order(number: "SO-999999") { number } }')).toEqual({ data: { order: null } });
    });

    it('lists only its own orders, filtered in one statement', async () => {
      await erp.resetStatements();
      const body = await query('{ orders(first: 1000) { nodes { number customer { id } } pageInfo { hasNextPage } } }');
      expect(await erp.statements()).toBe(1);
      expect(body).toEqual({
        data: { orders: { nodes: ordersOf(A.id).map((order) => ({ number: order.number, customer: { id: A.id } })), pageInfo: { hasNextPage: false } } },
      });
      const delivered = await query('{ orders(first: 1000, status: DELIVERED) { nodes { number } } }');
      expect(delivered).toEqual({
        data: {
          orders: {
            nodes: ordersOf(A.id)
              .filter((order) => order.statusCode === 'F')
              .map((order) => ({ number: order.number })),
          },
        },
      });
    });

    it("refuses another customer's Customer.orders and Order references, in one statement per batch", async () => {
      await erp.resetStatements();
      const customers = await query(ENTITIES, {
        r: [
          { __typename: 'Customer', id: A.id },
          { __typename: 'Customer', id: B.id },
        ],
      });
      expect(await erp.statements()).toBe(1);
      expect(customers).toEqual({
        data: { _entities: [{ orders: { nodes: ordersOf(A.id).map((order) => ({ number: order.number })) } }, { orders: null }] },
        errors: [forbidden('orders', ['_entities', 1, 'orders'], 99)],
      });

      await erp.resetStatements();
      const orders = await query(ENTITIES, {
        r: [otherOrder, ownOrder, { number: 'SO-999999' }, ordersOf(B.id)[1]!].map((order) => ({ __typename: 'Order', number: order.number })),
      });
      expect(await erp.statements()).toBe(1);
      expect(orders).toEqual({
        data: { _entities: [null, { number: ownOrder.number }, null, null] },
        errors: [forbidden('order', ['_entities', 0], 24), forbidden('order', ['_entities', 3], 24)],
      });
    });

    it('refuses references by id the same way', async () => {
      const body = await query(ENTITIES, {
        r: [
          { __typename: 'Order', id: otherOrder.id },
          { __typename: 'Order', id: ownOrder.id },
        ],
      });
      expect(body).toEqual({ data: { _entities: [null, { number: ownOrder.number }] }, errors: [forbidden('order', ['_entities', 0], 24)] });
    });

    it('serves the product catalogue unrestricted', async () => {
      const product = dataset.products[0]!;
      expect(await query(`{ product(sku: "${product.sku}") { sku } products(first: 2) { nodes { id } } }`)).toEqual({
        data: { product: { sku: product.sku }, products: { nodes: dataset.products.slice(0, 2).map((p) => ({ id: p.id })) } },
      });
    });

    it('leaves principals without a customer unrestricted', async () => {
      expect(await query(`{ order(number: "${otherOrder.number}") { number } }`, undefined, HARNESS_PRINCIPAL)).toEqual({
        data: { order: { number: otherOrder.number } },
      });
    });

    it('refuses createOrder for another customer before any statement, and writes nothing', async () => {
      const sku = dataset.products[0]!.sku;
      const before = await query(ENTITIES, { r: [{ __typename: 'Customer', id: B.id }] }, HARNESS_PRINCIPAL);
      await erp.resetStatements();
      const body = await query('mutation ($input: CreateOrderInput!) { createOrder(input: $input) { number } }', {
        input: { idempotencyKey: 'row-level-b', customerId: B.id, lines: [{ sku, quantity: 1 }] },
      });
      expect(await erp.statements()).toBe(0);
      expect(body).toEqual({
        data: { createOrder: null },
        errors: [forbidden('orders', ['createOrder'], 40, { field: 'input.customerId' })],
      });
      expect(await query(ENTITIES, { r: [{ __typename: 'Customer', id: B.id }] }, HARNESS_PRINCIPAL)).toEqual(before);
    });

    it('creates an order for its own customer', async () => {
      const sku = dataset.products[0]!.sku;
      const body = await query('mutation ($input: CreateOrderInput!) { createOrder(input: $input) { status customer { id } } }', {
        input: { idempotencyKey: 'row-level-a', customerId: A.id, lines: [{ sku, quantity: 1 }] },
      });
      expect(body).toEqual({ data: { createOrder: { status: 'APPROVED', customer: { id: A.id } } } });
    });
  });
});
