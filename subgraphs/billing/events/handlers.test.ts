import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BILLING_MIGRATION_LOCK_KEY } from '../../../systems/billing/migrations.js';
import { seedBillingIfEmpty } from '../../../systems/billing/seed.js';
import { generateDataset } from '../../../systems/seed/generate.js';
import type { SeedOrder } from '../../../systems/seed/types.js';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/services.js';
import { moneyOf } from '../../../test/helpers/subgraphs/billing-expected.js';
import { billingBackends } from '../../../test/helpers/subgraphs/billing.js';
import { uuidv7, type BusinessEvent } from '../../shared/events/envelope.js';
import type { EventHandler } from '../../shared/events/handler.js';
import { readOutbox } from '../../shared/events/outbox.js';
import { eventSchemas } from '../../shared/events/schemas.js';
import { migrate } from '../../shared/migrate.js';
import { openDatabase, type Database } from '../../shared/sql.js';
import { BILLING_DATABASE_MIGRATIONS } from '../migrations.js';
import { billingEventHandlers, invoiceOnApproval, voidOnCancel, type HandlerLog } from './handlers.js';

/**
 * Billing's consumers applied as the runtime applies them: `handle(event, tx)` inside one
 * transaction (which would also hold the processed_events row), on a real billing database
 * (PGlite, and PostgreSQL when a server answers). A thrown Error rolls the transaction back.
 */

const dataset = generateDataset();
const backends = await billingBackends();

// Orders billing never invoiced (drafts and cancellations in the seed): each test takes its own.
const uninvoiced = dataset.orders.filter((order) => !dataset.invoices.some((invoice) => invoice.orderNumber === order.number));
const paidPartly = dataset.invoices.find(
  (invoice) => invoice.statusCode !== 'V' && invoice.statusCode !== 'P' && dataset.payments.some((payment) => payment.invoiceId === invoice.id),
)!;
const unpaidSeeded = dataset.invoices.find((invoice) => invoice.statusCode === 'O' && !dataset.payments.some((payment) => payment.invoiceId === invoice.id))!;
const billedOrder = dataset.orders.find((order) => dataset.invoices.some((invoice) => invoice.orderNumber === order.number && invoice.statusCode === 'O'))!;
const skuOf = new Map(dataset.products.map((product) => [product.id, product.sku]));
const DAY_MS = 86_400_000;
const today = () => new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);

function approved(order: SeedOrder, payload: Record<string, unknown> = {}): BusinessEvent {
  return {
    id: uuidv7(),
    type: 'order.approved',
    version: 1,
    source: 'erp',
    aggregate: { type: 'Order', key: order.number },
    occurredAt: new Date().toISOString(),
    traceparent: null,
    payload: {
      orderNumber: order.number,
      customerId: order.customerId,
      placedAt: order.placedAt,
      approvedAt: new Date().toISOString(),
      currency: order.currency,
      total: moneyOf(order.totalCents, order.currency),
      lines: order.lines.map((line) => ({
        sku: skuOf.get(line.productId),
        quantity: line.quantity,
        unitPrice: moneyOf(line.unitPriceCents, order.currency),
        lineTotal: moneyOf(line.quantity * line.unitPriceCents, order.currency),
      })),
      ...payload,
    },
  };
}

function cancelled(orderNumber: string, customerId: string): BusinessEvent {
  return {
    id: uuidv7(),
    type: 'order.cancelled',
    version: 1,
    source: 'erp',
    aggregate: { type: 'Order', key: orderNumber },
    occurredAt: new Date().toISOString(),
    traceparent: null,
    payload: { orderNumber, customerId, cancelledAt: new Date().toISOString(), previousStatus: 'APPROVED' },
  };
}

describe.each(backends)('billing event handlers on $name', (backend) => {
  describe.skipIf(!backend.available)('handlers', () => {
    let db: Database;
    let server: TestDatabase | undefined;
    const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-billing-handlers-'));
    const lines: Array<{ level: 'info' | 'warn'; fields: Record<string, unknown>; message: string }> = [];
    const log: HandlerLog = {
      info: (fields, message) => void lines.push({ level: 'info', fields, message }),
      warn: (fields, message) => void lines.push({ level: 'warn', fields, message }),
    };

    beforeAll(async () => {
      if (backend.name === 'postgres') server = await createTestDatabase('billing');
      db = await openDatabase({ url: server?.url, dataDir });
      await migrate(db, BILLING_DATABASE_MIGRATIONS, BILLING_MIGRATION_LOCK_KEY);
      await seedBillingIfEmpty(db, () => dataset);
    });
    afterAll(async () => {
      await db?.close();
      await server?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });
    beforeEach(() => void lines.splice(0));

    /** As the runtime does: the handler's writes in one transaction, rolled back when it throws. */
    const apply = (handler: EventHandler, event: BusinessEvent) => db.transaction((tx) => handler.handle(event, tx));
    const invoicesOf = async (orderNumber: string) =>
      (
        await db.query<{ inv_no: string; status_cd: string; amount_cents: number; currency_cd: string; issued_on: string; due_on: string }>(
          'SELECT inv_no, status_cd, amount_cents, currency_cd, issued_on::text AS issued_on, due_on::text AS due_on FROM inv_header WHERE order_ref = $1 ORDER BY inv_id',
          [orderNumber],
        )
      ).rows;
    const outboxSize = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]!.n;
    const setAccount = (customerId: string, status: 'A' | 'C', termsDays = 30) =>
      db.query('UPDATE cust_acct SET status_cd = $2, terms_days = $3 WHERE crm_ref = $1', [customerId, status, termsDays]);
    const day = (offsetDays: number) => new Date(today().getTime() + offsetDays * DAY_MS).toISOString().slice(0, 10);

    it('names its consumers and the subjects they read', () => {
      expect(billingEventHandlers(log).map(({ consumer, subjects }) => ({ consumer, subjects }))).toEqual([
        { consumer: 'billing.invoice-on-approval', subjects: ['erp.order.approved'] },
        { consumer: 'billing.void-on-cancel', subjects: ['erp.order.cancelled'] },
      ]);
    });

    describe('billing.invoice-on-approval', () => {
      const handler = invoiceOnApproval(log);

      it("issues one OPEN invoice for the order's total, due after the account's terms, with invoice.issued in the same transaction", async () => {
        const order = uninvoiced[0]!;
        await setAccount(order.customerId, 'A', 10);
        const before = await outboxSize();
        await apply(handler, approved(order));
        const invoices = await invoicesOf(order.number);
        expect(invoices).toEqual([
          { inv_no: expect.stringMatching(/^INV-\d+$/), status_cd: 'O', amount_cents: order.totalCents, currency_cd: order.currency, issued_on: day(0), due_on: day(10) },
        ]);
        expect(await outboxSize()).toBe(before + 1);
        const [event] = (await readOutbox(db, { all: true, limit: 10_000 })).filter((row) => row.aggregate.key === invoices[0]!.inv_no);
        const { seq: _seq, ...emitted } = event!;
        expect(emitted).toEqual(
          expect.objectContaining({
            type: 'invoice.issued',
            source: 'billing',
            payload: {
              invoiceNumber: invoices[0]!.inv_no,
              orderNumber: order.number,
              customerId: order.customerId,
              amount: moneyOf(order.totalCents, order.currency),
              issuedAt: `${day(0)}T00:00:00.000Z`,
              dueAt: `${day(10)}T00:00:00.000Z`,
            },
          }),
        );
        expect(eventSchemas().validate(emitted)).toEqual({ ok: true });
        expect(lines).toEqual([{ level: 'info', fields: expect.objectContaining({ invoiceNumber: invoices[0]!.inv_no }), message: 'invoice issued for the approved order' }]);
      });

      it('issues nothing more for a second delivery of the event, nor for another approval of the order', async () => {
        const order = uninvoiced[1]!;
        const event = approved(order);
        await apply(handler, event);
        const first = await invoicesOf(order.number);
        const before = await outboxSize();
        await apply(handler, event);
        await apply(handler, approved(order));
        expect(await invoicesOf(order.number)).toEqual(first);
        expect(first).toHaveLength(1);
        expect(await outboxSize()).toBe(before);
        expect(lines.slice(1).map((line) => line.message)).toEqual(['order already invoiced: nothing to issue', 'order already invoiced: nothing to issue']);
      });

      it('leaves an order billing invoiced already as it is', async () => {
        const before = await invoicesOf(billedOrder.number);
        const outbox = await outboxSize();
        await apply(handler, approved(billedOrder));
        expect(await invoicesOf(billedOrder.number)).toEqual(before);
        expect(await outboxSize()).toBe(outbox);
      });

      it('throws for a closed account, naming it, and writes nothing; once reopened, the same event issues the invoice', async () => {
        const order = uninvoiced[2]!;
        await setAccount(order.customerId, 'C');
        const event = approved(order);
        const before = await outboxSize();
        await expect(apply(handler, event)).rejects.toThrow(`billing account of customer ${order.customerId} is closed: order ${order.number} cannot be invoiced`);
        expect(await invoicesOf(order.number)).toEqual([]);
        expect(await outboxSize()).toBe(before);

        await setAccount(order.customerId, 'A');
        await apply(handler, event);
        expect(await invoicesOf(order.number)).toHaveLength(1);
        expect(await outboxSize()).toBe(before + 1);
      });

      it('throws for a customer billing has no account for, and writes nothing', async () => {
        const order = uninvoiced[3]!;
        const before = await outboxSize();
        await expect(apply(handler, approved(order, { customerId: 'cus_9999' }))).rejects.toThrow(
          `billing has no account for customer cus_9999: order ${order.number} cannot be invoiced`,
        );
        expect(await invoicesOf(order.number)).toEqual([]);
        expect(await outboxSize()).toBe(before);
      });

      it('throws, writing nothing, for a total billing cannot invoice', async () => {
        const order = uninvoiced[4]!;
        await expect(apply(handler, approved(order, { total: { amount: '0.00', currency: order.currency } }))).rejects.toThrow(
          `order ${order.number} cannot be invoiced: amount must be a decimal greater than zero`,
        );
        await expect(apply(handler, approved(order, { total: undefined }))).rejects.toThrow('payload lacks orderNumber, customerId or total { amount currency }');
        expect(await invoicesOf(order.number)).toEqual([]);
      });
    });

    describe('billing.void-on-cancel', () => {
      const handler = voidOnCancel(log);
      const statusOf = async (invoiceNumber: string) =>
        (await db.query<{ status_cd: string }>('SELECT status_cd FROM inv_header WHERE inv_no = $1', [invoiceNumber])).rows[0]?.status_cd;

      it('voids the unpaid invoice of a cancelled order; a second cancellation finds nothing to void', async () => {
        await apply(handler, cancelled(unpaidSeeded.orderNumber, unpaidSeeded.crmRef));
        expect(await statusOf(unpaidSeeded.number)).toBe('V');
        await apply(handler, cancelled(unpaidSeeded.orderNumber, unpaidSeeded.crmRef));
        expect(await statusOf(unpaidSeeded.number)).toBe('V');
        expect(lines.map((line) => [line.level, line.message])).toEqual([
          ['info', 'invoice of the cancelled order voided'],
          ['info', 'cancelled order has no invoice to void'],
        ]);
      });

      it('voids the invoice the approval issued, and an approval applied after the cancellation bills nothing', async () => {
        const order = uninvoiced[5]!;
        await apply(invoiceOnApproval(log), approved(order));
        await apply(handler, cancelled(order.number, order.customerId));
        expect((await invoicesOf(order.number)).map((invoice) => invoice.status_cd)).toEqual(['V']);
        // The ERP never approves a cancelled order again: a later approval is one its consumer applied late.
        await apply(invoiceOnApproval(log), approved(order));
        expect((await invoicesOf(order.number)).map((invoice) => invoice.status_cd)).toEqual(['V']);
      });

      it('bills nothing for an approval applied after its cancellation (separate consumers may apply them in either order)', async () => {
        const order = uninvoiced[7]!;
        await apply(handler, cancelled(order.number, order.customerId));
        await apply(invoiceOnApproval(log), approved(order));
        expect(await invoicesOf(order.number)).toEqual([]);
      });

      it('leaves an invoice with payments as it is and says why', async () => {
        const before = await statusOf(paidPartly.number);
        await apply(handler, cancelled(paidPartly.orderNumber, paidPartly.crmRef));
        expect(await statusOf(paidPartly.number)).toBe(before);
        expect(lines).toEqual([
          {
            level: 'warn',
            fields: expect.objectContaining({ orderNumber: paidPartly.orderNumber, invoiceNumber: paidPartly.number }),
            message: expect.stringMatching(new RegExp(`^invoice ${paidPartly.number} of the cancelled order is not voided: \\d+\\.\\d\\d ${paidPartly.currency} was paid on it`)),
          },
        ]);
      });

      it('does nothing for an order billing never invoiced', async () => {
        const order = uninvoiced[6]!;
        await apply(handler, cancelled(order.number, order.customerId));
        expect(await invoicesOf(order.number)).toEqual([]);
        expect(lines.map((line) => line.message)).toEqual(['cancelled order has no invoice to void']);
      });
    });
  });
});
