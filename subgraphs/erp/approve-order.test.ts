import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import { erpBackends, useErp } from '../../test/helpers/subgraphs/erp.js';
import { PORTAL_SCOPES, portalPrincipal, withoutStacktraces } from '../../test/helpers/subgraphs/row-level.js';

const dataset = generateDataset();
const backends = await erpBackends();

const APPROVE = /* GraphQL */ `
  mutation ($number: String!, $version: Int!) {
    approveOrder(number: $number, expectedVersion: $version) {
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
const CANCEL = /* GraphQL */ `
  mutation ($number: String!, $version: Int!) {
    cancelOrder(number: $number, expectedVersion: $version) {
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

/** The outbox rows of one order, read from the PostgreSQL server behind the subgraph process. */
async function outboxOn(url: string, key: string): Promise<Array<{ type: string; payload: Record<string, unknown> }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT type, payload FROM outbox WHERE aggregate_key = $1 ORDER BY seq', [key])).rows;
  } finally {
    await client.end();
  }
}

const owner = dataset.customers[0]!;
// The seed's drafts: the first customer's own, then four of other customers, one per test below.
const drafts = dataset.orders.filter((order) => order.statusCode === 'D');
const [own, others] = [drafts.find((order) => order.customerId === owner.id)!, drafts.filter((order) => order.customerId !== owner.id)];
const skuOf = (productId: string) => dataset.products.find((product) => product.id === productId)!.sku;
const skusOf = (order: (typeof drafts)[number]) => order.lines.map((line) => skuOf(line.productId));

describe.each(backends)('approveOrder on $name', (backend) => {
  describe.skipIf(!backend.available)('mutation', () => {
    const erp = useErp(backend);

    const state = async (number: string, skus: string[]) => {
      const { body } = await erp.query(STATE, { number, skus: skus.map((sku) => ({ __typename: 'Product', sku })) });
      return body.data! as { order: { status: string; version: number } | null; stock: Array<{ sku: string; stock: number }> };
    };
    const approve = async (number: string, version: number, principal?: Parameters<typeof erp.query>[2]) =>
      withoutStacktraces((await erp.query(APPROVE, { number, version }, principal)).body);
    const place = async (key: string, lines: Array<{ sku: string; quantity: number }> = [{ sku: dataset.products[0]!.sku, quantity: 1 }]) => {
      const { body } = await erp.query(CREATE, { input: { idempotencyKey: key, customerId: 'cus_9201', lines } });
      return body.data!.createOrder as { number: string; version: number };
    };

    it('approves a draft, reserves the stock of its lines and moves its version on', async () => {
      const draft = others[0]!;
      const before = await state(draft.number, skusOf(draft));
      expect(await approve(draft.number, 1)).toEqual({ data: { approveOrder: { number: draft.number, status: 'APPROVED', version: 2 } } });
      const after = await state(draft.number, skusOf(draft));
      expect(after.order).toEqual({ status: 'APPROVED', version: 2 });
      expect(after.stock).toEqual(before.stock.map((row, index) => ({ sku: row.sku, stock: row.stock - draft.lines[index]!.quantity })));
    });

    it('answers CONFLICT STALE_VERSION with the current version and changes nothing', async () => {
      const draft = others[1]!;
      const before = await state(draft.number, skusOf(draft));
      const body = await approve(draft.number, 3);
      expect(body.data).toEqual({ approveOrder: null });
      expect(body.errors?.[0]?.extensions).toEqual({ code: 'CONFLICT', reason: 'STALE_VERSION', field: 'expectedVersion', currentVersion: 1, system: 'erp', subgraph: 'erp' });
      expect(await state(draft.number, skusOf(draft))).toEqual(before);
    });

    it('answers INSUFFICIENT_STOCK naming the short line, reserving nothing', async () => {
      const draft = others[2]!;
      const line = draft.lines.at(-1)!;
      const sku = skuOf(line.productId);
      // Another order takes all but one unit less than the draft needs.
      const { stock } = (await state(draft.number, [sku])).stock[0]!;
      await place('drain', [{ sku, quantity: stock - line.quantity + 1 }]);
      const before = await state(draft.number, skusOf(draft));
      const body = await approve(draft.number, 1);
      expect(body.data).toEqual({ approveOrder: null });
      expect(body.errors?.[0]).toMatchObject({
        message: `Not enough stock for ${sku} to approve order ${draft.number}`,
        extensions: { code: 'INSUFFICIENT_STOCK', sku, lineNumber: line.lineNo, system: 'erp', subgraph: 'erp' },
      });
      expect(await state(draft.number, skusOf(draft))).toEqual(before);
    });

    it.each([
      ['APPROVED', 'ALREADY_APPROVED', async () => (await place('approved')).number, 1],
      ['SHIPPED', 'ALREADY_APPROVED', async () => dataset.orders.find((order) => order.statusCode === 'S')!.number, 1],
      [
        'CANCELLED',
        'ALREADY_CANCELLED',
        async () => {
          const { number } = await place('cancelled');
          await erp.query(CANCEL, { number, version: 1 });
          return number;
        },
        2,
      ],
    ] as const)('answers CONFLICT naming the status of a %s order', async (status, reason, make, version) => {
      const number = await make();
      const body = await approve(number, version);
      expect(body.errors?.[0]).toMatchObject({
        message: `Order ${number} is ${status}; only a DRAFT order can be approved`,
        extensions: { code: 'CONFLICT', reason, status, field: 'number' },
      });
      expect((await state(number, [])).order).toEqual({ status, version });
    });

    it('answers NOT_FOUND for an unknown number', async () => {
      const body = await approve('SO-999999', 1);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'number' });
    });

    it("refuses a portal token another customer's draft with FORBIDDEN and lets it approve its own", async () => {
      const portal = { ...portalPrincipal(owner), scopes: [...PORTAL_SCOPES, 'erp:write'] };
      const other = others[3]!;
      const before = await state(other.number, skusOf(other));
      expect((await approve(other.number, 1, portal)).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
      expect(await state(other.number, skusOf(other))).toEqual(before);
      expect((await approve(own.number, 1, portal)).data).toEqual({ approveOrder: { number: own.number, status: 'APPROVED', version: 2 } });
    });

    it('lets exactly one of two concurrent approvals win, reserving the stock once', async () => {
      const draft = others[3]!;
      const before = await state(draft.number, skusOf(draft));
      const answers = await Promise.all([approve(draft.number, 1), approve(draft.number, 1)]);
      expect(answers.filter((body) => body.data?.approveOrder)).toHaveLength(1);
      expect(answers.flatMap((body) => body.errors ?? []).map((error) => error.extensions?.reason)).toEqual(['ALREADY_APPROVED']);
      const after = await state(draft.number, skusOf(draft));
      expect(after).toEqual({
        order: { status: 'APPROVED', version: 2 },
        stock: before.stock.map((row, index) => ({ sku: row.sku, stock: row.stock - draft.lines[index]!.quantity })),
      });
    });

    // Last: it looks at what the tests above left. Only a server can be read beside the process.
    it.skipIf(backend.name !== 'postgres')('leaves one order.approved per approval in the outbox behind the subgraph, none per refusal', async () => {
      const url = erp.env.ERP_DATABASE_URL!;
      for (const draft of [others[0]!, others[3]!, own]) {
        const events = await outboxOn(url, draft.number);
        expect(events.map((event) => [event.type, event.payload.orderNumber, (event.payload.lines as unknown[]).length])).toEqual([
          ['order.approved', draft.number, draft.lines.length],
        ]);
      }
      for (const refused of [others[1]!, others[2]!]) expect(await outboxOn(url, refused.number)).toEqual([]);
    });
  });
});
