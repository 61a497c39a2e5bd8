import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import type { SeedOrder } from '../../systems/seed/types.js';
import { erpBackends, useErp } from '../../test/helpers/subgraphs/erp.js';
import { PORTAL_SCOPES, portalPrincipal, withoutStacktraces } from '../../test/helpers/subgraphs/row-level.js';

const dataset = generateDataset();
const backends = await erpBackends();

const CANCEL = /* GraphQL */ `
  mutation ($number: String!, $version: Int!) {
    cancelOrder(number: $number, expectedVersion: $version) {
      number
      status
      version
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
const STATE = /* GraphQL */ `
  query ($number: String!, $skus: [_Any!]!) {
    order(number: $number) {
      status
      version
    }
    stock: _entities(representations: $skus) {
      ... on Product {
        sku
        stock
      }
    }
  }
`;

const [plenty1, plenty2] = [dataset.products[0]!, dataset.products[1]!];
const seeded = (code: SeedOrder['statusCode']) => dataset.orders.find((order) => order.statusCode === code)!;
const skuOf = (productId: string) => dataset.products.find((product) => product.id === productId)!.sku;

describe.each(backends)('cancelOrder on $name', (backend) => {
  describe.skipIf(!backend.available)('mutation', () => {
    const erp = useErp(backend);

    const state = async (number: string, skus = [plenty1.sku, plenty2.sku]) => {
      const { body } = await erp.query(STATE, { number, skus: skus.map((sku) => ({ __typename: 'Product', sku })) });
      return body.data!;
    };
    const place = async (key: string, customerId = 'cus_9101') => {
      const lines = [
        { sku: plenty1.sku, quantity: 4 },
        { sku: plenty2.sku, quantity: 1 },
      ];
      const { body } = await erp.query(CREATE, { input: { idempotencyKey: key, customerId, lines } });
      return body.data!.createOrder as { number: string; version: number };
    };
    const cancel = async (number: string, version: number, principal?: Parameters<typeof erp.query>[2]) =>
      withoutStacktraces((await erp.query(CANCEL, { number, version }, principal)).body);

    it('cancels an approved order, releases its reserved stock and moves its version on', async () => {
      const before = await state('SO-0');
      const placed = await place('cancel-ok');
      expect(placed.version).toBe(1);
      expect(await cancel(placed.number, 1)).toEqual({ data: { cancelOrder: { number: placed.number, status: 'CANCELLED', version: 2 } } });
      expect(await state(placed.number)).toEqual({ order: { status: 'CANCELLED', version: 2 }, stock: before.stock });
    });

    it('answers CONFLICT STALE_VERSION with the current version and changes nothing', async () => {
      const placed = await place('cancel-stale');
      const before = await state(placed.number);
      const body = await cancel(placed.number, 7);
      expect(body.data).toEqual({ cancelOrder: null });
      expect(body.errors?.[0]?.extensions).toEqual({ code: 'CONFLICT', reason: 'STALE_VERSION', field: 'expectedVersion', currentVersion: 1, system: 'erp', subgraph: 'erp' });
      expect(await state(placed.number)).toEqual(before);
    });

    it('answers CONFLICT ALREADY_CANCELLED for a second cancellation, releasing nothing twice', async () => {
      const placed = await place('cancel-twice');
      await cancel(placed.number, 1);
      const before = await state(placed.number);
      const body = await cancel(placed.number, 2);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_CANCELLED', status: 'CANCELLED', field: 'number' });
      expect(await state(placed.number)).toEqual(before);
    });

    it.each([
      ['SHIPPED', 'S'],
      ['DELIVERED', 'F'],
    ] as const)('answers CONFLICT ALREADY_SHIPPED for a %s order', async (status, code) => {
      const order = seeded(code);
      const body = await cancel(order.number, 1);
      expect(body.errors?.[0]).toMatchObject({
        message: `Order ${order.number} is ${status} and can no longer be cancelled`,
        extensions: { code: 'CONFLICT', reason: 'ALREADY_SHIPPED', status, field: 'number' },
      });
      expect((await state(order.number)).order).toEqual({ status, version: 1 });
    });

    it('cancels a draft without touching stock it never reserved', async () => {
      const draft = seeded('D');
      const skus = draft.lines.map((line) => skuOf(line.productId));
      const before = await state(draft.number, skus);
      expect((await cancel(draft.number, 1)).data).toEqual({ cancelOrder: { number: draft.number, status: 'CANCELLED', version: 2 } });
      expect((await state(draft.number, skus)).stock).toEqual(before.stock);
    });

    it('answers NOT_FOUND for an unknown number', async () => {
      const body = await cancel('SO-999999', 1);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'number' });
    });

    it("refuses a portal token another customer's order with FORBIDDEN and lets it cancel its own", async () => {
      const placed = await place('cancel-portal', dataset.customers[0]!.id);
      const other = dataset.orders.find((order) => order.statusCode === 'A' && order.customerId !== dataset.customers[0]!.id)!;
      const portal = { ...portalPrincipal(dataset.customers[0]!), scopes: [...PORTAL_SCOPES, 'erp:write'] };
      const refused = await cancel(other.number, 1, portal);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
      expect((await state(other.number)).order).toEqual({ status: 'APPROVED', version: 1 });
      expect((await cancel(placed.number, 1, portal)).data).toEqual({ cancelOrder: { number: placed.number, status: 'CANCELLED', version: 2 } });
    });

    it('lets exactly one of two concurrent cancellations win, releasing the stock once', async () => {
      const before = await state('SO-0');
      const placed = await place('cancel-race');
      const answers = await Promise.all([cancel(placed.number, 1), cancel(placed.number, 1)]);
      const won = answers.filter((body) => body.data?.cancelOrder);
      const lost = answers.filter((body) => body.errors);
      expect(won).toHaveLength(1);
      expect(lost.map((body) => body.errors?.[0]?.extensions?.code)).toEqual(['CONFLICT']);
      expect(await state(placed.number)).toEqual({ order: { status: 'CANCELLED', version: 2 }, stock: before.stock });
    });
  });
});
