import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERP_MIGRATION_LOCK_KEY } from '../../systems/erp/migrations.js';
import { seedErpIfEmpty } from '../../systems/erp/seed.js';
import { generateDataset } from '../../systems/seed/generate.js';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/services.js';
import { erpBackends, START_HOOK_TIMEOUT_MS } from '../../test/helpers/subgraphs/erp.js';
import { readOutbox } from '../shared/events/outbox.js';
import { eventSchemas } from '../shared/events/schemas.js';
import { migrate } from '../shared/migrate.js';
import { openDatabase, type Database } from '../shared/sql.js';
import { erpQueries, type ErpDb } from './db.js';
import { ERP_DATABASE_MIGRATIONS } from './migrations.js';

/**
 * The ERP's events (issue 17) on the database itself, where the outbox can be counted: each
 * order change writes exactly one event in its own transaction, a failed change writes none, and
 * every event the ERP writes passes its JSON Schema.
 */
const dataset = generateDataset();
const backends = await erpBackends();
const schemas = eventSchemas();

const [plenty1, plenty2] = [dataset.products[0]!, dataset.products[1]!];
// drafts[0] is approved, [1] refused as stale, [2] short of stock (it has several lines), [3] cancelled.
const drafts = dataset.orders.filter((order) => order.statusCode === 'D');
const skuOf = (productId: string) => dataset.products.find((product) => product.id === productId)!.sku;
const amount = (cents: number, currency = 'EUR') => ({ amount: (cents / 100).toFixed(2), currency });
const anyone = { authorize: () => undefined };

describe.each(backends)('ERP order events on $name', (backend) => {
  describe.skipIf(!backend.available)('outbox', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-erp-events-'));
    let database: TestDatabase | undefined;
    let sql: Database;
    let db: ErpDb;

    beforeAll(async () => {
      if (backend.name === 'postgres') database = await createTestDatabase('erp');
      sql = await openDatabase({ url: database?.url, dataDir: join(dataDir, 'pgdata') });
      await migrate(sql, ERP_DATABASE_MIGRATIONS, ERP_MIGRATION_LOCK_KEY);
      await seedErpIfEmpty(sql, dataset);
      db = erpQueries(sql);
    }, START_HOOK_TIMEOUT_MS);

    afterAll(async () => {
      await sql?.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const count = async () => (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]!.n;
    const eventsOf = async (orderNumber: string) => (await readOutbox(sql, { all: true, limit: 10_000 })).filter((event) => event.aggregate.key === orderNumber);
    const stockOf = async (skus: string[]) => (await db.productsBySkus(skus)).map((product) => [product.sku, product.stock]).sort();
    const place = (key: string, lines = [{ sku: plenty1.sku, quantity: 2 }]) => db.createOrder({ idempotencyKey: key, customerId: 'cus_0042', currency: 'GBP', lines });
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => {
          throw new Error('expected the write to fail');
        },
        (error: { message: string; extensions?: Record<string, unknown> }) => ({ message: error.message, extensions: error.extensions }),
      );

    it('createOrder writes one order.approved with the order, its lines and amounts', async () => {
      const before = await count();
      const order = await place('events-create', [
        { sku: plenty1.sku, quantity: 3 },
        { sku: plenty2.sku, quantity: 1 },
      ]);
      expect(await count()).toBe(before + 1);
      const [event, ...more] = await eventsOf(order.number);
      expect(more).toEqual([]);
      expect(event).toMatchObject({ type: 'order.approved', version: 1, source: 'erp', aggregate: { type: 'Order', key: order.number }, traceparent: null });
      expect(event!.payload).toEqual({
        orderNumber: order.number,
        customerId: 'cus_0042',
        placedAt: order.placedAt,
        approvedAt: order.placedAt,
        currency: 'GBP',
        total: amount(3 * plenty1.priceCents + plenty2.priceCents, 'GBP'),
        lines: [
          { sku: plenty1.sku, quantity: 3, unitPrice: amount(plenty1.priceCents, 'GBP'), lineTotal: amount(3 * plenty1.priceCents, 'GBP') },
          { sku: plenty2.sku, quantity: 1, unitPrice: amount(plenty2.priceCents, 'GBP'), lineTotal: amount(plenty2.priceCents, 'GBP') },
        ],
      });
      expect(order.approvedAt).toBe(order.placedAt);
    });

    it('a replayed createOrder writes no second event', async () => {
      const first = await place('events-replay');
      const before = await count();
      expect(await place('events-replay')).toEqual(first);
      expect(await count()).toBe(before);
    });

    it('createOrder without enough stock writes no event', async () => {
      const before = await count();
      const { extensions } = await failure(place('events-short', [{ sku: plenty1.sku, quantity: 10_000_000 }]));
      expect(extensions).toMatchObject({ code: 'INSUFFICIENT_STOCK' });
      expect(await count()).toBe(before);
    });

    it('an order commits only with its event: a refused outbox row leaves no order and no reservation', async () => {
      await sql.query('ALTER TABLE outbox ADD CONSTRAINT refuse_every_event CHECK (false) NOT VALID');
      try {
        const stock = await stockOf([plenty1.sku]);
        const orders = await db.countOrders({ status: null, placedAfter: null, placedBefore: null }, 'cus_0042');
        await expect(place('events-refused')).rejects.toThrow(/refuse_every_event/);
        expect(await stockOf([plenty1.sku])).toEqual(stock);
        expect(await db.countOrders({ status: null, placedAfter: null, placedBefore: null }, 'cus_0042')).toBe(orders);
      } finally {
        await sql.query('ALTER TABLE outbox DROP CONSTRAINT refuse_every_event');
      }
    });

    it('approveOrder approves a draft, reserves its lines and writes one order.approved', async () => {
      const draft = drafts[0]!;
      const skus = draft.lines.map((line) => skuOf(line.productId));
      const stock = await stockOf(skus);
      const before = await count();
      const approved = await db.approveOrder({ number: draft.number, expectedVersion: 1, ...anyone });
      expect(approved).toMatchObject({ number: draft.number, status: 'APPROVED', version: 2, placedAt: draft.placedAt });
      expect(Date.parse(approved.approvedAt!)).toBeGreaterThan(Date.parse(draft.placedAt));
      expect(await count()).toBe(before + 1);
      const [event, ...more] = await eventsOf(draft.number);
      expect(more).toEqual([]);
      expect(event!.payload).toEqual({
        orderNumber: draft.number,
        customerId: draft.customerId,
        placedAt: draft.placedAt,
        approvedAt: approved.approvedAt,
        currency: draft.currency,
        total: amount(draft.totalCents, draft.currency),
        lines: draft.lines.map((line) => ({
          sku: skuOf(line.productId),
          quantity: line.quantity,
          unitPrice: amount(line.unitPriceCents, draft.currency),
          lineTotal: amount(line.quantity * line.unitPriceCents, draft.currency),
        })),
      });
      const reserved = new Map(draft.lines.map((line) => [skuOf(line.productId), line.quantity]));
      expect(await stockOf(skus)).toEqual(stock.map(([sku, units]) => [sku, (units as number) - reserved.get(sku as string)!]));
    });

    it('approveOrder at a stale version writes nothing', async () => {
      const draft = drafts[1]!;
      const before = await count();
      const { extensions } = await failure(db.approveOrder({ number: draft.number, expectedVersion: 5, ...anyone }));
      expect(extensions).toMatchObject({ code: 'CONFLICT', reason: 'STALE_VERSION', currentVersion: 1 });
      expect(await count()).toBe(before);
      expect((await db.ordersByNumbers([draft.number]))[0]).toMatchObject({ status: 'DRAFT', version: 1, approvedAt: null });
    });

    it('approveOrder short of stock on one line reserves nothing and writes no event', async () => {
      const draft = drafts[2]!;
      const last = draft.lines.at(-1)!;
      await sql.query('UPDATE products SET qty_on_hand = $2 WHERE sku = $1', [skuOf(last.productId), last.quantity - 1]);
      const skus = draft.lines.map((line) => skuOf(line.productId));
      const stock = await stockOf(skus);
      const before = await count();
      const { message, extensions } = await failure(db.approveOrder({ number: draft.number, expectedVersion: 1, ...anyone }));
      expect(message).toBe(`Not enough stock for ${skuOf(last.productId)} to approve order ${draft.number}`);
      expect(extensions).toMatchObject({ code: 'INSUFFICIENT_STOCK', sku: skuOf(last.productId), lineNumber: last.lineNo });
      expect(await count()).toBe(before);
      expect(await stockOf(skus)).toEqual(stock);
      expect((await db.ordersByNumbers([draft.number]))[0]).toMatchObject({ status: 'DRAFT', version: 1 });
    });

    it('approveOrder refuses a draft without lines (CONFLICT NO_LINES), writing nothing', async () => {
      await sql.query(`INSERT INTO orders (order_no, cust_ref, status_cd, placed_at, currency_cd, total_cents) VALUES ('SO-999001', 'cus_0042', 'D', now(), 'EUR', 0)`);
      const before = await count();
      const { extensions } = await failure(db.approveOrder({ number: 'SO-999001', expectedVersion: 1, ...anyone }));
      expect(extensions).toMatchObject({ code: 'CONFLICT', reason: 'NO_LINES', field: 'number' });
      expect(await count()).toBe(before);
    });

    it.each([
      ['APPROVED', 'events-cancel-approved', undefined],
      ['DRAFT', undefined, 3],
    ] as const)('cancelOrder of a %s order writes one order.cancelled naming that status', async (previousStatus, key, draftIndex) => {
      const number = key ? (await place(key)).number : drafts[draftIndex!]!.number;
      const eventsBefore = (await eventsOf(number)).length;
      const before = await count();
      const version = (await db.ordersByNumbers([number]))[0]!.version;
      const cancelled = await db.cancelOrder({ number, expectedVersion: version, ...anyone });
      expect(await count()).toBe(before + 1);
      const events = await eventsOf(number);
      expect(events).toHaveLength(eventsBefore + 1);
      const event = events.at(-1)!;
      expect(event).toMatchObject({ type: 'order.cancelled', version: 1, source: 'erp', aggregate: { type: 'Order', key: number } });
      expect(event.payload).toEqual({ orderNumber: number, customerId: cancelled.customerId, cancelledAt: expect.any(String), previousStatus });
      expect(Date.parse(event.payload.cancelledAt as string)).toBeGreaterThanOrEqual(Date.parse(cancelled.placedAt));
    });

    it('a refused cancellation writes no event', async () => {
      const { number } = await place('events-cancel-twice');
      await db.cancelOrder({ number, expectedVersion: 1, ...anyone });
      const before = await count();
      const { extensions } = await failure(db.cancelOrder({ number, expectedVersion: 2, ...anyone }));
      expect(extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_CANCELLED' });
      expect(await count()).toBe(before);
    });

    // Last: it reads what the tests above wrote.
    it('every event the ERP wrote passes its JSON Schema; a broken payload does not', async () => {
      const events = await readOutbox(sql, { all: true, limit: 10_000 });
      expect(new Set(events.map((event) => event.type))).toEqual(new Set(['order.approved', 'order.cancelled']));
      for (const { seq: _seq, ...event } of events) expect([event.id, schemas.validate(event)]).toEqual([event.id, { ok: true }]);

      const approved = events.find((event) => event.type === 'order.approved' && (event.payload.lines as unknown[]).length > 1)!;
      const { seq: _seq, ...sound } = approved;
      const broken = (payload: Record<string, unknown>) => schemas.validate({ ...sound, payload: { ...sound.payload, ...payload } });
      const lines = sound.payload.lines as Array<Record<string, unknown>>;
      expect(broken({ lines: [{ ...lines[0], quantity: 0 }] })).toEqual({ ok: false, reason: 'order.approved v1 payload/lines/0/quantity must be >= 1' });
      expect(broken({ total: { amount: '12.5', currency: 'EUR' } })).toMatchObject({ ok: false, reason: expect.stringContaining('payload/total/amount must match pattern') });
      expect(broken({ approvedAt: 'yesterday' })).toMatchObject({ ok: false, reason: expect.stringContaining('payload/approvedAt must match format "date-time"') });
      expect(broken({ lines: [] })).toMatchObject({ ok: false, reason: expect.stringContaining('payload/lines must NOT have fewer than 1 items') });
      expect(broken({ note: 'extra' })).toMatchObject({ ok: false, reason: expect.stringContaining('must NOT have additional properties') });
      const cancelled = events.find((event) => event.type === 'order.cancelled')!;
      expect(schemas.validate({ ...cancelled, payload: { ...cancelled.payload, previousStatus: 'SHIPPED' } })).toMatchObject({ ok: false });
    });
  });
});
