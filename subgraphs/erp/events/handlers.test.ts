import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../../common/project-root.js';
import { ERP_MIGRATION_LOCK_KEY } from '../../../systems/erp/migrations.js';
import { seedErpIfEmpty } from '../../../systems/erp/seed.js';
import { generateDataset } from '../../../systems/seed/generate.js';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/services.js';
import { erpBackends, START_HOOK_TIMEOUT_MS } from '../../../test/helpers/subgraphs/erp.js';
import { uuidv7, type BusinessEvent } from '../../shared/events/envelope.js';
import type { EventHandler } from '../../shared/events/handler.js';
import { eventSchemas } from '../../shared/events/schemas.js';
import { migrate } from '../../shared/migrate.js';
import { openDatabase, type Database } from '../../shared/sql.js';
import { erpQueries, type ErpDb } from '../db.js';
import { ERP_DATABASE_MIGRATIONS } from '../migrations.js';
import { ERP_EVENT_HANDLERS, orderDeliveryHandler, orderInvoicedHandler, orderPaymentHandler, orderShippedHandler } from './handlers.js';

/**
 * The ERP's consumers on a real database, called as the runtime calls them: in a transaction of
 * its own, which commits the effect (and, in the runtime, the processed_events row) or nothing.
 */
const dataset = generateDataset();
const backends = await erpBackends();
const seeded = (code: string) => dataset.orders.filter((order) => order.statusCode === code);

const event = (source: string, type: string, payload: Record<string, unknown>, version = 1): BusinessEvent => ({
  id: uuidv7(),
  type,
  version,
  source,
  aggregate: { type: source === 'billing' ? 'Invoice' : 'Shipment', key: 'k-1' },
  occurredAt: new Date().toISOString(),
  traceparent: null,
  payload,
});
const delivered = (orderNumber: string, deliveredAt = '2026-12-01T10:00:00.000Z') =>
  event('logistics', 'shipment.delivered', { shipmentId: 'shp_000001', orderNumber, carrier: 'DHL', trackingNumber: 'TRK1', deliveredAt });
const paid = (orderNumber: string | null, settled: boolean, paidAt = '2026-12-02T09:30:00.000Z') =>
  event('billing', 'payment.recorded', {
    paymentId: 'pay_000001',
    invoiceNumber: 'INV-200001',
    orderNumber,
    customerId: 'cus_0001',
    amount: { amount: '10.00', currency: 'EUR' },
    paidAt,
    method: 'CARD',
    invoiceStatus: settled ? 'PAID' : 'OPEN',
    settled,
  });

const created = (orderNumber: string, createdAt = '2026-11-30T08:00:00.000Z') =>
  event('logistics', 'shipment.created', { shipmentId: 'shp_000001', orderNumber, customerId: 'cus_0007', carrier: 'DHL', trackingNumber: 'TRK1', createdAt });
const issued = (orderNumber: string | null) =>
  event('billing', 'invoice.issued', {
    invoiceNumber: 'INV-200001',
    orderNumber,
    customerId: 'cus_0007',
    amount: { amount: '10.00', currency: 'EUR' },
    issuedAt: '2026-11-30T00:00:00.000Z',
    dueAt: '2026-12-30T00:00:00.000Z',
  });

describe('the ERP consumers', () => {
  it('are tested with events that pass logistics’ and billing’s schemas', () => {
    for (const sample of [delivered('SO-100001'), paid('SO-100001', true), paid(null, false), created('SO-100001'), issued('SO-100001'), issued(null)])
      expect(eventSchemas().validate(sample)).toEqual({ ok: true });
  });

  it('are named and subscribed as the runtime expects', () => {
    expect(ERP_EVENT_HANDLERS.map(({ consumer, subjects }) => ({ consumer, subjects }))).toEqual([
      { consumer: 'erp.order-delivery', subjects: ['logistics.shipment.delivered'] },
      { consumer: 'erp.order-payment', subjects: ['billing.payment.recorded'] },
      { consumer: 'erp.order-shipped', subjects: ['logistics.shipment.created'] },
      { consumer: 'erp.order-invoiced', subjects: ['billing.invoice.issued'] },
    ]);
    // What producers deliver to the ERP over HTTP (schema/events/subscriptions.json) is what it handles.
    const subscriptions = JSON.parse(readFileSync(projectPath('schema/events/subscriptions.json'), 'utf8')) as Record<string, string[]>;
    expect(ERP_EVENT_HANDLERS.flatMap((handler) => handler.subjects).sort()).toEqual([...subscriptions.erp!].sort());
  });
});

describe.each(backends)('ERP event handlers on $name', (backend) => {
  describe.skipIf(!backend.available)('handle', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-erp-handlers-'));
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

    const handle = (handler: EventHandler, input: BusinessEvent) => sql.transaction((tx) => handler.handle(input, tx));
    const orderState = async (number: string) => {
      const order = (await db.ordersByNumbers([number]))[0];
      return order && { status: order.status, version: order.version, deliveredAt: order.deliveredAt, paidAt: order.paidAt };
    };
    const approved = async (key: string) =>
      (await db.createOrder({ idempotencyKey: key, customerId: 'cus_0007', currency: 'EUR', lines: [{ sku: dataset.products[0]!.sku, quantity: 1 }] })).number;

    describe('erp.order-delivery', () => {
      it('marks an APPROVED order DELIVERED at the carrier’s time, once', async () => {
        const number = await approved('delivery-approved');
        await handle(orderDeliveryHandler, delivered(number));
        const after = { status: 'DELIVERED', version: 2, deliveredAt: '2026-12-01T10:00:00.000Z', paidAt: null };
        expect(await orderState(number)).toEqual(after);
        // Redelivered (or replayed under a new id): nothing changes, not even the version.
        await handle(orderDeliveryHandler, delivered(number, '2026-12-03T00:00:00.000Z'));
        expect(await orderState(number)).toEqual(after);
      });

      it('marks a SHIPPED order DELIVERED', async () => {
        const shipped = seeded('S')[0]!;
        await handle(orderDeliveryHandler, delivered(shipped.number));
        expect(await orderState(shipped.number)).toMatchObject({ status: 'DELIVERED', version: 2, deliveredAt: '2026-12-01T10:00:00.000Z' });
      });

      it('leaves a seeded DELIVERED order as it is', async () => {
        const done = seeded('F')[0]!;
        await handle(orderDeliveryHandler, delivered(done.number));
        expect(await orderState(done.number)).toEqual({ status: 'DELIVERED', version: 1, deliveredAt: null, paidAt: null });
      });

      it.each([
        ['a CANCELLED order', () => seeded('X')[0]!.number, /^order SO-\d+ delivered \(shipment shp_000001\) is CANCELLED in the ERP and cannot become DELIVERED$/],
        ['a DRAFT order', () => seeded('D')[0]!.number, /is DRAFT in the ERP and cannot become DELIVERED$/],
        ['an unknown order', () => 'SO-999999', /^order SO-999999 delivered \(shipment shp_000001\) is unknown to the ERP$/],
      ])('throws for %s, changing nothing', async (_case, number, message) => {
        const before = await orderState(number());
        await expect(handle(orderDeliveryHandler, delivered(number()))).rejects.toThrow(message);
        expect(await orderState(number())).toEqual(before);
      });

      it('throws on a payload without an order number or a version it does not know', async () => {
        await expect(handle(orderDeliveryHandler, event('logistics', 'shipment.delivered', { deliveredAt: '2026-12-01T10:00:00.000Z' }))).rejects.toThrow(
          /payload\.orderNumber must be an order number$/,
        );
        await expect(handle(orderDeliveryHandler, { ...delivered('SO-100001'), version: 2 })).rejects.toThrow(/version 2 has no ERP handler/);
      });
    });

    describe('erp.order-payment', () => {
      it('sets paid_at when a payment settles the order’s invoice, once', async () => {
        const number = await approved('payment-settled');
        await handle(orderPaymentHandler, paid(number, true));
        // A milestone, not a change a client makes: the version a client cancels with stays valid.
        const after = { status: 'APPROVED', version: 1, deliveredAt: null, paidAt: '2026-12-02T09:30:00.000Z' };
        expect(await orderState(number)).toEqual(after);
        await handle(orderPaymentHandler, paid(number, true, '2026-12-05T00:00:00.000Z'));
        expect(await orderState(number)).toEqual(after);
      });

      it('ignores a payment that does not settle the invoice, and one for an invoice of no order', async () => {
        const number = await approved('payment-partial');
        const before = await orderState(number);
        await handle(orderPaymentHandler, paid(number, false));
        await handle(orderPaymentHandler, paid(null, true));
        expect(await orderState(number)).toEqual(before);
      });

      it('records payment whatever the order’s status: billing owns the fact', async () => {
        const cancelled = seeded('X')[1]!;
        await handle(orderPaymentHandler, paid(cancelled.number, true));
        expect(await orderState(cancelled.number)).toMatchObject({ status: 'CANCELLED', paidAt: '2026-12-02T09:30:00.000Z' });
      });

      it('throws for a settled payment of an unknown order', async () => {
        await expect(handle(orderPaymentHandler, paid('SO-999998', true))).rejects.toThrow(/^order SO-999998 paid by invoice INV-200001 is unknown to the ERP$/);
      });

      it('throws on a payload whose settled is not a boolean', async () => {
        await expect(handle(orderPaymentHandler, event('billing', 'payment.recorded', { orderNumber: 'SO-100001', settled: 'yes' }))).rejects.toThrow(
          /payload\.settled must be true or false$/,
        );
      });
    });

    describe('erp.order-shipped', () => {
      it('records the booking time once, leaving the order APPROVED (cancellable) at its version', async () => {
        const number = await approved('shipped-approved');
        await handle(orderShippedHandler, created(number));
        const order = (await db.ordersByNumbers([number]))[0]!;
        expect({ status: order.status, version: order.version, shippedAt: order.shippedAt }).toEqual({ status: 'APPROVED', version: 1, shippedAt: '2026-11-30T08:00:00.000Z' });
        await handle(orderShippedHandler, created(number, '2026-12-09T00:00:00.000Z'));
        expect((await db.ordersByNumbers([number]))[0]).toMatchObject({ status: 'APPROVED', version: 1, shippedAt: '2026-11-30T08:00:00.000Z' });
      });

      it('leaves a CANCELLED order CANCELLED and throws for an unknown one', async () => {
        const cancelled = seeded('X')[2]!;
        const before = await orderState(cancelled.number);
        await handle(orderShippedHandler, created(cancelled.number));
        expect(await orderState(cancelled.number)).toEqual(before);
        await expect(handle(orderShippedHandler, created('SO-999997'))).rejects.toThrow(/^order SO-999997 shipped \(shipment shp_000001\) is unknown to the ERP$/);
      });
    });

    describe('erp.order-invoiced', () => {
      it('sets invoiced_at (the event’s time) and the payment due date once; an invoice of no order changes nothing', async () => {
        const number = await approved('invoiced');
        const first = issued(number);
        await handle(orderInvoicedHandler, first);
        await handle(orderInvoicedHandler, issued(number));
        await handle(orderInvoicedHandler, issued(null));
        expect((await db.ordersByNumbers([number]))[0]).toMatchObject({ status: 'APPROVED', version: 1, invoicedAt: first.occurredAt, paymentDueAt: '2026-12-30T00:00:00.000Z' });
      });
    });

    it('writes through the transaction it is given only: rolled back, nothing stays', async () => {
      const number = await approved('rolled-back');
      const before = await orderState(number);
      const aborted = sql.transaction(async (tx) => {
        await orderDeliveryHandler.handle(delivered(number), tx);
        await orderPaymentHandler.handle(paid(number, true), tx);
        throw new Error('the runtime failed to record the event processed');
      });
      await expect(aborted).rejects.toThrow(/failed to record/);
      expect(await orderState(number)).toEqual(before);
    });
  });
});
