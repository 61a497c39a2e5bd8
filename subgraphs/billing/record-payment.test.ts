import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import type { SeedInvoice } from '../../systems/seed/types.js';
import { decimal } from '../../test/helpers/subgraphs/billing-expected.js';
import { billingBackends, errorExtensions, useBilling } from '../../test/helpers/subgraphs/billing.js';

const dataset = generateDataset();
const backends = await billingBackends();

// Open or overdue invoices without any payment: each test below takes its own.
const unpaid = dataset.invoices.filter(
  (invoice) => (invoice.statusCode === 'O' || invoice.statusCode === 'D') && invoice.amountCents >= 1000 && !dataset.payments.some((p) => p.invoiceId === invoice.id),
);
const voided = dataset.invoices.find((invoice) => invoice.statusCode === 'V')!;
const STATUS: Record<string, string> = { O: 'OPEN', D: 'OVERDUE' };

/** The outbox rows of one aggregate, read from the PostgreSQL server behind the subgraph process. */
async function outboxOn(url: string, key: string): Promise<Array<{ type: string; payload: Record<string, unknown> }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT type, payload FROM outbox WHERE aggregate_key = $1 ORDER BY seq', [key])).rows;
  } finally {
    await client.end();
  }
}

const RECORD = /* GraphQL */ `
  mutation ($input: RecordPaymentInput!) {
    recordPayment(input: $input) {
      id
      amount {
        amount
        currency
      }
      paidAt
      method
      invoice {
        number
        status
        amountDue {
          amount
          currency
        }
      }
    }
  }
`;

interface Input {
  idempotencyKey: string;
  invoiceNumber: string;
  amount: string;
  currency: string;
  method: string;
}
const inputFor = (invoice: SeedInvoice, key: string, cents: number): Input => ({
  idempotencyKey: key,
  invoiceNumber: invoice.number,
  amount: decimal(cents),
  currency: invoice.currency,
  method: 'BANK_TRANSFER',
});

describe.each(backends)('recordPayment on $name', (backend) => {
  describe.skipIf(!backend.available)('recordPayment', () => {
    const billing = useBilling(backend);
    const record = (input: Input) => billing.query(RECORD, { input });
    const paymentIds = async (invoice: SeedInvoice) => {
      const { body } = await billing.query('query($n: String!) { invoice(number: $n) { payments { id } } }', { n: invoice.number });
      return (body.data!.invoice.payments as { id: string }[]).map((payment) => payment.id);
    };

    it('records a partial payment, then settles the invoice and marks it PAID', async () => {
      const invoice = unpaid[0]!;
      const half = Math.floor(invoice.amountCents / 2);
      const first = await record(inputFor(invoice, 'settle-1', half));
      expect(first.body).toEqual({
        data: {
          recordPayment: {
            id: expect.stringMatching(/^pay_\d{6}$/),
            amount: { amount: decimal(half), currency: invoice.currency },
            paidAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
            method: 'BANK_TRANSFER',
            invoice: { number: invoice.number, status: STATUS[invoice.statusCode], amountDue: { amount: decimal(invoice.amountCents - half), currency: invoice.currency } },
          },
        },
      });
      const second = await record({ ...inputFor(invoice, 'settle-2', invoice.amountCents - half), method: 'CARD' });
      expect(second.body.data!.recordPayment.invoice).toEqual({ number: invoice.number, status: 'PAID', amountDue: { amount: '0.00', currency: invoice.currency } });
      expect(await paymentIds(invoice)).toEqual([first.body.data!.recordPayment.id, second.body.data!.recordPayment.id]);
    });

    // The transaction itself is proven on both backends in events/produced.test.ts; here, through the running mutation.
    it.skipIf(backend.name !== 'postgres')('records one payment.recorded per payment, and none for a replay or a refusal', async () => {
      const invoice = unpaid[6]!;
      const input = inputFor(invoice, 'event-1', invoice.amountCents);
      const { body } = await record(input);
      await record(input);
      await record(inputFor(invoice, 'event-2', 100));
      expect(await outboxOn(billing.env.BILLING_DATABASE_URL!, invoice.number)).toEqual([
        {
          type: 'payment.recorded',
          payload: {
            paymentId: body.data!.recordPayment.id,
            invoiceNumber: invoice.number,
            orderNumber: invoice.orderNumber,
            customerId: invoice.crmRef,
            amount: { amount: decimal(invoice.amountCents), currency: invoice.currency },
            paidAt: body.data!.recordPayment.paidAt,
            method: 'BANK_TRANSFER',
            invoiceStatus: 'PAID',
            settled: true,
          },
        },
      ]);
    });

    it('replays the same key and request: the first payment, no row written', async () => {
      const invoice = unpaid[1]!;
      const input = inputFor(invoice, 'replay-1', 500);
      const first = await record(input);
      const countAfterFirst = (await paymentIds(invoice)).length;
      // The same amount spelled differently is the same request.
      const replay = await record({ ...input, amount: `${input.amount}`.replace(/\.00$/, '') });
      expect(replay.body).toEqual(first.body);
      expect((await paymentIds(invoice)).length).toBe(countAfterFirst);
      expect(countAfterFirst).toBe(1);
    });

    it('refuses the same key for a different request with CONFLICT, writing nothing', async () => {
      const invoice = unpaid[1]!;
      const before = await paymentIds(invoice);
      const { body } = await record(inputFor(invoice, 'replay-1', 600));
      expect(body.data).toEqual({ recordPayment: null });
      expect(errorExtensions(body.errors?.[0])).toEqual({ code: 'CONFLICT', field: 'input.idempotencyKey', system: 'billing', subgraph: 'billing' });
      expect(await paymentIds(invoice)).toEqual(before);
    });

    it('replays the first result after the subgraph process restarts', async () => {
      const invoice = unpaid[2]!;
      const input = inputFor(invoice, 'restart-1', 700);
      const first = await record(input);
      expect(first.body.data!.recordPayment).not.toBeNull();
      await billing.restart();
      const replay = await record(input);
      expect(replay.body).toEqual(first.body);
      expect(await paymentIds(invoice)).toEqual([first.body.data!.recordPayment.id]);
    });

    const invoice = unpaid[3]!;
    const otherCurrency = invoice.currency === 'EUR' ? 'USD' : 'EUR';
    const base = inputFor(invoice, 'bad-1', 100);
    it.each([
      { why: 'empty key', input: { ...base, idempotencyKey: '' }, code: 'BAD_USER_INPUT', field: 'input.idempotencyKey', validated: true },
      { why: 'key over 200 characters', input: { ...base, idempotencyKey: 'k'.repeat(201) }, code: 'BAD_USER_INPUT', field: 'input.idempotencyKey', validated: true },
      { why: 'malformed invoice number', input: { ...base, invoiceNumber: 'SO-100001' }, code: 'BAD_USER_INPUT', field: 'input.invoiceNumber', validated: true },
      { why: 'zero amount', input: { ...base, amount: '0.00' }, code: 'BAD_USER_INPUT', field: 'input.amount', validated: true },
      { why: 'negative amount', input: { ...base, amount: '-1.00' }, code: 'BAD_USER_INPUT', field: 'input.amount', validated: true },
      { why: 'three decimals', input: { ...base, amount: '1.005' }, code: 'BAD_USER_INPUT', field: 'input.amount', validated: true },
      { why: 'not a number', input: { ...base, amount: 'ten' }, code: 'BAD_USER_INPUT', field: 'input.amount', validated: true },
      { why: 'lower-case currency', input: { ...base, currency: 'eur' }, code: 'BAD_USER_INPUT', field: 'input.currency', validated: true },
      { why: 'unknown invoice', input: { ...base, invoiceNumber: 'INV-999999' }, code: 'NOT_FOUND', field: 'input.invoiceNumber', validated: false },
      { why: 'void invoice', input: { ...base, invoiceNumber: voided.number, currency: voided.currency }, code: 'CONFLICT', field: 'input.invoiceNumber', validated: false },
      { why: "another currency than the invoice's", input: { ...base, currency: otherCurrency }, code: 'BAD_USER_INPUT', field: 'input.currency', validated: false },
      { why: 'more than the amount due', input: { ...base, amount: decimal(invoice.amountCents + 1) }, code: 'BAD_USER_INPUT', field: 'input.amount', validated: false },
    ])('refuses $why with $code on $field and writes nothing', async ({ input, code, field, validated }) => {
      await billing.resetStatements();
      const { body } = await record(input);
      // Malformed input is refused before any statement reaches the database.
      if (validated) expect(await billing.statements()).toBe(0);
      expect(body.data).toEqual({ recordPayment: null });
      expect(errorExtensions(body.errors?.[0])).toEqual({ code, field, system: 'billing', subgraph: 'billing' });
      expect(await paymentIds(invoice)).toEqual([]);
      expect(await paymentIds(voided)).toEqual([]);
    });

    it('records one payment for two concurrent requests with the same key', async () => {
      const invoice = unpaid[4]!;
      const input = inputFor(invoice, 'race-1', 800);
      const [a, b] = await Promise.all([record(input), record(input)]);
      expect(a.body.errors).toBeUndefined();
      expect(b.body).toEqual(a.body);
      expect(await paymentIds(invoice)).toEqual([a.body.data!.recordPayment.id]);
    });

    it('never overpays when two keys race for the same amount due', async () => {
      const invoice = unpaid[5]!;
      const [a, b] = await Promise.all([record(inputFor(invoice, 'race-2a', invoice.amountCents)), record(inputFor(invoice, 'race-2b', invoice.amountCents))]);
      const codes = [a, b].map((response) => (response.body.errors?.[0]?.extensions?.code as string | undefined) ?? 'OK').sort();
      expect(codes).toEqual(['BAD_USER_INPUT', 'OK']);
      expect((await paymentIds(invoice)).length).toBe(1);
    });
  });
});
