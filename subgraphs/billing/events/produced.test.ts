import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BILLING_MIGRATION_LOCK_KEY } from '../../../systems/billing/migrations.js';
import { seedBillingIfEmpty } from '../../../systems/billing/seed.js';
import { generateDataset } from '../../../systems/seed/generate.js';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/services.js';
import { decimal } from '../../../test/helpers/subgraphs/billing-expected.js';
import { billingBackends } from '../../../test/helpers/subgraphs/billing.js';
import { readOutbox } from '../../shared/events/outbox.js';
import { eventSchemas } from '../../shared/events/schemas.js';
import { migrate } from '../../shared/migrate.js';
import { openDatabase, type Database } from '../../shared/sql.js';
import { issueInvoiceIn, recordPaymentIn } from '../db-writes.js';
import { BILLING_DATABASE_MIGRATIONS } from '../migrations.js';
import { validateInvoiceInput } from '../resolvers/issue-invoice.js';
import { validatePaymentInput } from '../resolvers/mutation.js';

/**
 * issueInvoice and recordPayment record their event in the transaction of the write, on a real
 * billing database (PGlite, and PostgreSQL when a server answers): one outbox row per write, none
 * for a refusal or a replay, nothing at all when the transaction fails, and every payload valid
 * against its JSON Schema in schema/events.
 */

const dataset = generateDataset();
const backends = await billingBackends();

const uninvoiced = dataset.orders.filter((order) => !dataset.invoices.some((invoice) => invoice.orderNumber === order.number));
const billed = dataset.invoices.find((invoice) => invoice.statusCode === 'O')!;
const unpaid = dataset.invoices.filter((invoice) => invoice.statusCode === 'O' && invoice.amountCents >= 1000 && !dataset.payments.some((p) => p.invoiceId === invoice.id));
const voided = dataset.invoices.find((invoice) => invoice.statusCode === 'V')!;
const DAY_MS = 86_400_000;
const today = () => new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(backends)('billing events produced on $name', (backend) => {
  describe.skipIf(!backend.available)('issueInvoice and recordPayment', () => {
    let db: Database;
    let server: TestDatabase | undefined;
    const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-billing-produced-'));

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

    const outboxSize = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]!.n;
    const eventsOf = async (invoiceNumber: string) => (await readOutbox(db, { all: true, limit: 10_000 })).filter((event) => event.aggregate.key === invoiceNumber);
    const issue = (order: (typeof uninvoiced)[number], key: string, extra: { amount?: string; dueInDays?: number } = {}) =>
      db.transaction((tx) =>
        issueInvoiceIn(
          tx,
          validateInvoiceInput({ idempotencyKey: key, orderNumber: order.number, customerId: order.customerId, amount: '120.50', currency: order.currency, ...extra }),
        ),
      );
    const pay = (invoice: { number: string; currency: string }, key: string, cents: number) =>
      db.transaction((tx) =>
        recordPaymentIn(tx, validatePaymentInput({ idempotencyKey: key, invoiceNumber: invoice.number, amount: decimal(cents), currency: invoice.currency, method: 'CARD' }), null),
      );

    it('issueInvoice writes one invoice.issued, whose payload is the invoice issued', async () => {
      const order = uninvoiced[0]!;
      const before = await outboxSize();
      const outcome = await issue(order, 'produced-issue-1', { dueInDays: 14 });
      if (outcome.kind !== 'issued') throw new Error(`expected an invoice, got ${outcome.kind}`);
      expect(await outboxSize()).toBe(before + 1);
      const events = await eventsOf(outcome.invoice.number);
      expect(events).toEqual([
        {
          seq: expect.any(Number),
          id: expect.stringMatching(UUID_V7),
          type: 'invoice.issued',
          version: 1,
          source: 'billing',
          aggregate: { type: 'Invoice', key: outcome.invoice.number },
          occurredAt: expect.any(String),
          traceparent: null,
          payload: {
            invoiceNumber: outcome.invoice.number,
            orderNumber: order.number,
            customerId: order.customerId,
            amount: { amount: '120.50', currency: order.currency },
            issuedAt: today().toISOString(),
            dueAt: new Date(today().getTime() + 14 * DAY_MS).toISOString(),
          },
        },
      ]);
      const { seq: _seq, ...event } = events[0]!;
      expect(eventSchemas().validate(event)).toEqual({ ok: true });
    });

    it('a transaction that fails after issuing keeps neither the invoice nor its event', async () => {
      const order = uninvoiced[1]!;
      const before = await outboxSize();
      const failing = db.transaction(async (tx) => {
        await issueInvoiceIn(
          tx,
          validateInvoiceInput({ idempotencyKey: 'produced-rollback', orderNumber: order.number, customerId: order.customerId, amount: '10.00', currency: 'EUR' }),
        );
        throw new Error('the commit never happens');
      });
      await expect(failing).rejects.toThrow('the commit never happens');
      expect(await outboxSize()).toBe(before);
      expect((await db.query('SELECT inv_no FROM inv_header WHERE order_ref = $1', [order.number])).rows).toEqual([]);
    });

    it('a replayed or refused issueInvoice records no event', async () => {
      const order = uninvoiced[2]!;
      expect((await issue(order, 'produced-issue-replay')).kind).toBe('issued');
      const before = await outboxSize();
      expect((await issue(order, 'produced-issue-replay')).kind).toBe('replayed');
      expect((await issue(order, 'produced-issue-replay', { amount: '99.00' })).kind).toBe('key-reused');
      expect((await issue(order, 'produced-issue-again')).kind).toBe('already-invoiced');
      const alreadyBilled = { number: billed.orderNumber, customerId: billed.crmRef, currency: billed.currency } as (typeof uninvoiced)[number];
      expect((await issue(alreadyBilled, 'produced-issue-billed')).kind).toBe('already-invoiced');
      expect(await outboxSize()).toBe(before);
    });

    it('recordPayment writes one payment.recorded per payment: open and unsettled, then paid and settled', async () => {
      const invoice = unpaid[0]!;
      const half = Math.floor(invoice.amountCents / 2);
      const before = await outboxSize();
      const first = await pay(invoice, 'produced-pay-1', half);
      expect(await outboxSize()).toBe(before + 1);
      const second = await pay(invoice, 'produced-pay-2', invoice.amountCents - half);
      expect(await outboxSize()).toBe(before + 2);
      if (first.kind !== 'recorded' || second.kind !== 'recorded') throw new Error(`expected two payments, got ${first.kind}, ${second.kind}`);
      const expected = (payment: typeof first.payment, cents: number, invoiceStatus: string, settled: boolean) => ({
        type: 'payment.recorded',
        version: 1,
        source: 'billing',
        aggregate: { type: 'Invoice', key: invoice.number },
        payload: {
          paymentId: payment.id,
          invoiceNumber: invoice.number,
          orderNumber: invoice.orderNumber,
          customerId: invoice.crmRef,
          amount: { amount: decimal(cents), currency: invoice.currency },
          paidAt: payment.paidAt,
          method: 'CARD',
          invoiceStatus,
          settled,
        },
      });
      const events = await eventsOf(invoice.number);
      expect(events).toEqual([
        expect.objectContaining(expected(first.payment, half, 'OPEN', false)),
        expect.objectContaining(expected(second.payment, invoice.amountCents - half, 'PAID', true)),
      ]);
      for (const { seq: _seq, ...event } of events) expect(eventSchemas().validate(event)).toEqual({ ok: true });
    });

    it('a replayed or refused recordPayment records no event', async () => {
      const invoice = unpaid[1]!;
      expect((await pay(invoice, 'produced-pay-replay', 500)).kind).toBe('recorded');
      const before = await outboxSize();
      expect((await pay(invoice, 'produced-pay-replay', 500)).kind).toBe('replayed');
      expect((await pay(invoice, 'produced-pay-replay', 600)).kind).toBe('key-reused');
      expect((await pay(invoice, 'produced-pay-too-much', invoice.amountCents)).kind).toBe('exceeds-amount-due');
      expect((await pay({ number: invoice.number, currency: invoice.currency === 'EUR' ? 'USD' : 'EUR' }, 'produced-pay-currency', 100)).kind).toBe('currency-mismatch');
      expect((await pay(voided, 'produced-pay-void', 100)).kind).toBe('invoice-void');
      expect((await pay({ number: 'INV-999999', currency: 'EUR' }, 'produced-pay-unknown', 100)).kind).toBe('invoice-not-found');
      expect(await outboxSize()).toBe(before);
    });

    describe('the schemas refuse a broken payload', () => {
      const issued = {
        id: '01890a5d-ac96-774b-bcce-b302099a8057',
        type: 'invoice.issued',
        version: 1,
        source: 'billing',
        aggregate: { type: 'Invoice', key: 'INV-200001' },
        occurredAt: '2026-12-06T10:00:00.000Z',
        traceparent: null,
        payload: {
          invoiceNumber: 'INV-200001',
          orderNumber: 'SO-100001',
          customerId: 'cus_0001',
          amount: { amount: '120.50', currency: 'EUR' },
          issuedAt: '2026-12-06T00:00:00.000Z',
          dueAt: '2027-01-05T00:00:00.000Z',
        },
      };
      const recorded = {
        ...issued,
        type: 'payment.recorded',
        payload: {
          paymentId: 'pay_000042',
          invoiceNumber: 'INV-200001',
          orderNumber: null,
          customerId: 'cus_0001',
          amount: { amount: '60.25', currency: 'EUR' },
          paidAt: '2026-12-06T10:00:00.000Z',
          method: 'CARD',
          invoiceStatus: 'OPEN',
          settled: false,
        },
      };

      it('accepts the well-formed ones', () => {
        expect(eventSchemas().validate(issued)).toEqual({ ok: true });
        expect(eventSchemas().validate(recorded)).toEqual({ ok: true });
      });

      it.each([
        {
          why: 'an amount with one decimal',
          event: { ...issued, payload: { ...issued.payload, amount: { amount: '120.5', currency: 'EUR' } } },
          says: '/amount/amount must match pattern',
        },
        {
          why: 'a lower-case currency',
          event: { ...issued, payload: { ...issued.payload, amount: { amount: '120.50', currency: 'eur' } } },
          says: '/amount/currency must match pattern',
        },
        { why: 'a date that is not a date-time', event: { ...issued, payload: { ...issued.payload, dueAt: '2027-01-05' } }, says: '/dueAt must match format "date-time"' },
        { why: 'a field the contract does not have', event: { ...issued, payload: { ...issued.payload, status: 'OPEN' } }, says: 'must NOT have additional properties' },
        { why: 'a missing order number', event: { ...issued, payload: { ...issued.payload, orderNumber: undefined } }, says: "must have required property 'orderNumber'" },
        { why: 'a zero payment', event: { ...recorded, payload: { ...recorded.payload, amount: { amount: '0.00', currency: 'EUR' } } }, says: '/amount/amount must match pattern' },
        {
          why: 'an unknown invoice status',
          event: { ...recorded, payload: { ...recorded.payload, invoiceStatus: 'PARTIAL' } },
          says: '/invoiceStatus must be equal to one of the allowed values',
        },
        { why: 'settled as a string', event: { ...recorded, payload: { ...recorded.payload, settled: 'yes' } }, says: '/settled must be boolean' },
        { why: 'a missing payment id', event: { ...recorded, payload: { ...recorded.payload, paymentId: undefined } }, says: "must have required property 'paymentId'" },
      ])('refuses $why', ({ event, says }) => {
        const check = eventSchemas().validate(JSON.parse(JSON.stringify(event)));
        expect(check.ok).toBe(false);
        expect(check.ok ? '' : check.reason).toContain(says);
      });
    });
  });
});
