import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import { erpBackends, START_HOOK_TIMEOUT_MS, useErp } from '../../test/helpers/subgraphs/erp.js';

const dataset = generateDataset();
const backends = await erpBackends();

const CREATE = /* GraphQL */ `
  mutation ($input: CreateOrderInput!) {
    createOrder(input: $input) {
      id
      number
      status
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
        }
        product {
          sku
        }
      }
    }
  }
`;
const STATE = /* GraphQL */ `
  query ($r: [_Any!]!, $skus: [_Any!]!) {
    _entities(representations: $r) {
      ... on Customer {
        orders(first: 100) {
          nodes {
            number
          }
        }
      }
    }
    stock: _entities(representations: $skus) {
      ... on Product {
        sku
        stock
      }
    }
  }
`;

// Plenty of stock; the last products of the data set have only 2 units.
const [plenty1, plenty2] = [dataset.products[0]!, dataset.products[1]!];
const scarce = dataset.products.at(-1)!;
const amount = (cents: number) => (cents / 100).toFixed(2);

describe.each(backends)('createOrder on $name', (backend) => {
  describe.skipIf(!backend.available)('mutation', () => {
    const erp = useErp(backend);

    /** A customer's order numbers and the stock of the given products: what a write may change. */
    const state = async (customerId: string, skus = [plenty1.sku, plenty2.sku, scarce.sku]) => {
      const { body } = await erp.query(STATE, {
        r: [{ __typename: 'Customer', id: customerId }],
        skus: skus.map((sku) => ({ __typename: 'Product', sku })),
      });
      return { orders: body.data!._entities[0].orders.nodes.map((n: { number: string }) => n.number), stock: body.data!.stock };
    };
    const create = (input: Record<string, unknown>) => erp.query(CREATE, { input });
    const order = (key: string, customerId: string, lines: Array<{ sku: string; quantity: number }>) => ({ idempotencyKey: key, customerId, lines });

    it('creates an approved order and reserves its stock', async () => {
      const before = await state('cus_9001');
      const { body } = await create({
        ...order('k-success', 'cus_9001', [
          { sku: plenty1.sku, quantity: 3 },
          { sku: plenty2.sku, quantity: 2 },
        ]),
        currency: 'GBP',
      });
      expect(body).toEqual({
        data: {
          createOrder: {
            id: `ord_00${dataset.orders.length + 1}`,
            number: `SO-${100000 + dataset.orders.length + 1}`,
            status: 'APPROVED',
            customer: { id: 'cus_9001' },
            total: { amount: amount(3 * plenty1.priceCents + 2 * plenty2.priceCents), currency: 'GBP' },
            lines: [
              { lineNumber: 1, quantity: 3, unitPrice: { amount: amount(plenty1.priceCents) }, product: { sku: plenty1.sku } },
              { lineNumber: 2, quantity: 2, unitPrice: { amount: amount(plenty2.priceCents) }, product: { sku: plenty2.sku } },
            ],
          },
        },
      });
      const after = await state('cus_9001');
      expect(after.orders).toEqual([body.data!.createOrder.number]);
      expect(after.stock).toEqual([{ sku: plenty1.sku, stock: before.stock[0].stock - 3 }, { sku: plenty2.sku, stock: before.stock[1].stock - 2 }, before.stock[2]]);
    });

    it('replays the same key and request as the first order, writing nothing', async () => {
      const input = order('k-replay', 'cus_9002', [{ sku: plenty1.sku, quantity: 1 }]);
      const first = await create(input);
      const before = await state('cus_9002');
      const replay = await create(input);
      expect(replay.body).toEqual(first.body);
      expect(await state('cus_9002')).toEqual(before);
      expect(before.orders).toEqual([first.body.data!.createOrder.number]);
    });

    it('answers CONFLICT when a used key comes with a different request', async () => {
      await create(order('k-conflict', 'cus_9003', [{ sku: plenty1.sku, quantity: 1 }]));
      const before = await state('cus_9003');
      const { body } = await create(order('k-conflict', 'cus_9003', [{ sku: plenty1.sku, quantity: 2 }]));
      expect(body.data).toEqual({ createOrder: null });
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.idempotencyKey', system: 'erp', subgraph: 'erp' });
      expect(await state('cus_9003')).toEqual(before);
    });

    it('rejects an unknown SKU on its line and writes nothing', async () => {
      const before = await state('cus_9004');
      const { body } = await create(
        order('k-unknown', 'cus_9004', [
          { sku: plenty1.sku, quantity: 1 },
          { sku: 'SKU-NOPE', quantity: 1 },
        ]),
      );
      expect(body.data).toEqual({ createOrder: null });
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.lines.1.sku', system: 'erp', subgraph: 'erp' });
      expect(await state('cus_9004')).toEqual(before);
    });

    it('answers INSUFFICIENT_STOCK naming the SKU and rolls back every reservation', async () => {
      const before = await state('cus_9005');
      const { body } = await create(
        order('k-stock', 'cus_9005', [
          { sku: plenty1.sku, quantity: 5 },
          { sku: scarce.sku, quantity: scarce.stock + 1 },
        ]),
      );
      expect(body.data).toEqual({ createOrder: null });
      expect(body.errors?.[0]?.extensions).toMatchObject({
        code: 'INSUFFICIENT_STOCK',
        sku: scarce.sku,
        field: 'input.lines.1.quantity',
        system: 'erp',
        subgraph: 'erp',
      });
      expect(await state('cus_9005')).toEqual(before);
    });

    it.each([
      [
        'input.lines.1.quantity',
        order('k-bad', 'cus_9006', [
          { sku: plenty1.sku, quantity: 1 },
          { sku: plenty2.sku, quantity: 0 },
        ]),
      ],
      ['input.lines.0.quantity', order('k-bad', 'cus_9006', [{ sku: plenty1.sku, quantity: 10_001 }])],
      [
        'input.lines.1.sku',
        order('k-bad', 'cus_9006', [
          { sku: plenty1.sku, quantity: 1 },
          { sku: plenty1.sku, quantity: 1 },
        ]),
      ],
      ['input.lines', order('k-bad', 'cus_9006', [])],
      ['input.idempotencyKey', order('', 'cus_9006', [{ sku: plenty1.sku, quantity: 1 }])],
      ['input.customerId', order('k-bad', 'customer-6', [{ sku: plenty1.sku, quantity: 1 }])],
      ['input.currency', { ...order('k-bad', 'cus_9006', [{ sku: plenty1.sku, quantity: 1 }]), currency: 'JPY' }],
    ])('rejects bad input at %s and writes nothing', async (field, input) => {
      const before = await state('cus_9006');
      const { body } = await create(input);
      expect(body.data).toEqual({ createOrder: null });
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field, system: 'erp', subgraph: 'erp' });
      expect(await state('cus_9006')).toEqual(before);
    });

    it('ends two concurrent requests with one key with one order', async () => {
      const before = await state('cus_9007');
      const input = order('k-race', 'cus_9007', [{ sku: plenty2.sku, quantity: 4 }]);
      const [a, b] = await Promise.all([create(input), create(input)]);
      expect(a.body.errors).toBeUndefined();
      expect(b.body).toEqual(a.body);
      const after = await state('cus_9007');
      expect(after.orders).toEqual([a.body.data!.createOrder.number]);
      expect(after.stock[1]).toEqual({ sku: plenty2.sku, stock: before.stock[1].stock - 4 });
    });

    // Last: it replaces the process the other tests use.
    it(
      'replays the first result after the subgraph restarts on the same database',
      async () => {
        const input = order('k-restart', 'cus_9008', [{ sku: plenty1.sku, quantity: 2 }]);
        const first = await create(input);
        expect(first.body.errors).toBeUndefined();
        await erp.restart();
        const before = await state('cus_9008');
        const replay = await create(input);
        expect(replay.body).toEqual(first.body);
        expect(await state('cus_9008')).toEqual(before);
      },
      START_HOOK_TIMEOUT_MS,
    );
  });
});
