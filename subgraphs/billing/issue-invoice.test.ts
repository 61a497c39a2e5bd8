import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import { billingBackends, errorExtensions, useBilling } from '../../test/helpers/subgraphs/billing.js';
import { portalPrincipal } from '../../test/helpers/subgraphs/row-level.js';

/**
 * issueInvoice at billing's own edge: input checked before any statement, one invoice per order
 * (a void one does not count), idempotent by key. Whether the order and customer exist is the
 * gateway's check (test/write-references.test.ts): billing cannot see the ERP or the CRM.
 */

const dataset = generateDataset();
const backends = await billingBackends();

const invoicedOrders = new Set(dataset.invoices.filter((invoice) => invoice.statusCode !== 'V').map((invoice) => invoice.orderNumber));
// Drafts and cancelled orders are never invoiced by the seed: each test below takes its own.
const uninvoiced = dataset.orders.filter((order) => !dataset.invoices.some((invoice) => invoice.orderNumber === order.number));
const voidedOnly = dataset.invoices.find((invoice) => invoice.statusCode === 'V' && !invoicedOrders.has(invoice.orderNumber))!;
const billed = dataset.invoices.find((invoice) => invoice.statusCode === 'O')!;

const ISSUE = /* GraphQL */ `
  mutation ($input: IssueInvoiceInput!) {
    issueInvoice(input: $input) {
      id
      number
      status
      issuedAt
      dueAt
      amount {
        amount
        currency
      }
      amountDue {
        amount
      }
      order {
        number
        invoice {
          number
        }
      }
      customer {
        id
      }
    }
  }
`;
const INVOICES_OF_ORDER = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { invoice { number status } paymentStatus } } }';

const inputFor = (order: { number: string; customerId: string; currency: string }, key: string, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: key,
  orderNumber: order.number,
  customerId: order.customerId,
  amount: '120.50',
  currency: order.currency,
  ...extra,
});
const DAY_MS = 86_400_000;
const today = () => new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);

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

describe.each(backends)('issueInvoice on $name', (backend) => {
  describe.skipIf(!backend.available)('issueInvoice', () => {
    const billing = useBilling(backend);
    const issue = (input: Record<string, unknown>, principal?: Parameters<typeof billing.query>[2]) => billing.query(ISSUE, { input }, principal);
    const invoiceOf = async (orderNumber: string) => (await billing.query(INVOICES_OF_ORDER, { r: [{ __typename: 'Order', number: orderNumber }] })).body.data!._entities[0];

    it('issues an OPEN invoice dated today, due after dueInDays, that the order then reports', async () => {
      const order = uninvoiced[0]!;
      expect(await invoiceOf(order.number)).toEqual({ invoice: null, paymentStatus: 'NOT_INVOICED' });
      const { body } = await issue(inputFor(order, 'issue-1', { dueInDays: 14 }));
      expect(body.errors).toBeUndefined();
      const invoice = body.data!.issueInvoice;
      expect(invoice).toEqual({
        id: expect.stringMatching(/^inv_\d{6}$/),
        number: `INV-${200000 + Number(invoice.id.slice(4))}`,
        status: 'OPEN',
        issuedAt: today().toISOString(),
        dueAt: new Date(today().getTime() + 14 * DAY_MS).toISOString(),
        amount: { amount: '120.50', currency: order.currency },
        amountDue: { amount: '120.50' },
        order: { number: order.number, invoice: { number: invoice.number } },
        customer: { id: order.customerId },
      });
      expect(await invoiceOf(order.number)).toEqual({ invoice: { number: invoice.number, status: 'OPEN' }, paymentStatus: 'UNPAID' });
    });

    // The transaction itself is proven on both backends in events/produced.test.ts; here, through the running mutation.
    it.skipIf(backend.name !== 'postgres')('records one invoice.issued with the invoice, and none for a refusal', async () => {
      const order = uninvoiced[5]!;
      const { body } = await issue(inputFor(order, 'issue-event'));
      const { number } = body.data!.issueInvoice;
      await issue(inputFor(order, 'issue-event-twice'));
      expect(await outboxOn(billing.env.BILLING_DATABASE_URL!, number)).toEqual([
        {
          type: 'invoice.issued',
          payload: {
            invoiceNumber: number,
            orderNumber: order.number,
            customerId: order.customerId,
            amount: { amount: '120.50', currency: order.currency },
            issuedAt: today().toISOString(),
            dueAt: new Date(today().getTime() + 30 * DAY_MS).toISOString(),
          },
        },
      ]);
    });

    it('replays the same key and request (the amount spelled differently): the first invoice, nothing written', async () => {
      const order = uninvoiced[1]!;
      const first = await issue(inputFor(order, 'issue-replay'));
      await billing.resetStatements();
      const replay = await issue(inputFor(order, 'issue-replay', { amount: '120.5' }));
      expect(replay.body).toEqual(first.body);
      const reused = await issue(inputFor(order, 'issue-replay', { amount: '99.00' }));
      expect(reused.body.data).toEqual({ issueInvoice: null });
      expect(errorExtensions(reused.body.errors?.[0])).toEqual({ code: 'CONFLICT', field: 'input.idempotencyKey', system: 'billing', subgraph: 'billing' });
    });

    it('refuses a second invoice for an order already invoiced, naming the invoice; a void one does not count', async () => {
      const { body } = await issue(inputFor({ number: billed.orderNumber, customerId: billed.crmRef, currency: billed.currency }, 'issue-twice'));
      expect(body.data).toEqual({ issueInvoice: null });
      expect(body.errors?.[0]?.message).toBe(`order ${billed.orderNumber} is already invoiced by ${billed.number}; void it first`);
      expect(errorExtensions(body.errors?.[0])).toEqual({ code: 'CONFLICT', field: 'input.orderNumber', system: 'billing', subgraph: 'billing' });
      expect(await invoiceOf(billed.orderNumber)).toEqual(expect.objectContaining({ invoice: { number: billed.number, status: 'OPEN' } }));

      const reissued = await issue(inputFor({ number: voidedOnly.orderNumber, customerId: voidedOnly.crmRef, currency: voidedOnly.currency }, 'issue-after-void'));
      expect(reissued.body.errors).toBeUndefined();
      expect(await invoiceOf(voidedOnly.orderNumber)).toEqual({ invoice: { number: reissued.body.data!.issueInvoice.number, status: 'OPEN' }, paymentStatus: 'UNPAID' });
    });

    it('issues one invoice when two keys race for the same order', async () => {
      const order = uninvoiced[2]!;
      const [a, b] = await Promise.all([issue(inputFor(order, 'issue-race-a')), issue(inputFor(order, 'issue-race-b'))]);
      const codes = [a, b].map((response) => (response.body.errors?.[0]?.extensions?.code as string | undefined) ?? 'OK').sort();
      expect(codes).toEqual(['CONFLICT', 'OK']);
    });

    it('refuses a portal token with FORBIDDEN, even for its own customer', async () => {
      const order = uninvoiced[3]!;
      const customer = dataset.customers.find((candidate) => candidate.id === order.customerId)!;
      await billing.resetStatements();
      const { body } = await issue(inputFor(order, 'issue-portal'), portalPrincipal(customer));
      expect(body.data).toEqual({ issueInvoice: null });
      expect(errorExtensions(body.errors?.[0])).toEqual({ code: 'FORBIDDEN', field: 'input.customerId', system: 'billing', subgraph: 'billing' });
      expect(await billing.statements()).toBe(0);
    });

    const base = inputFor(uninvoiced[4]!, 'issue-bad');
    it.each([
      { why: 'empty key', input: { ...base, idempotencyKey: '' }, field: 'input.idempotencyKey' },
      { why: 'malformed order number', input: { ...base, orderNumber: 'INV-200001' }, field: 'input.orderNumber' },
      { why: 'malformed customer id', input: { ...base, customerId: 'x'.repeat(300) }, field: 'input.customerId' },
      { why: 'zero amount', input: { ...base, amount: '0' }, field: 'input.amount' },
      { why: 'three decimals', input: { ...base, amount: '1.005' }, field: 'input.amount' },
      { why: 'lower-case currency', input: { ...base, currency: 'eur' }, field: 'input.currency' },
      { why: 'a due date before today', input: { ...base, dueInDays: -1 }, field: 'input.dueInDays' },
      { why: 'a due date over a year away', input: { ...base, dueInDays: 366 }, field: 'input.dueInDays' },
    ])('refuses $why with BAD_USER_INPUT on $field before any statement', async ({ input, field }) => {
      await billing.resetStatements();
      const { body } = await issue(input);
      expect(body.data).toEqual({ issueInvoice: null });
      expect(errorExtensions(body.errors?.[0])).toEqual({ code: 'BAD_USER_INPUT', field, system: 'billing', subgraph: 'billing' });
      expect(await billing.statements()).toBe(0);
    });
  });
});
