import { afterAll, beforeAll, describe, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import type { SeedInvoice } from '../../systems/seed/types.js';
import { BATCH_SIZES, expectBatched, keysWithUnknown, startSqlBatchingTarget, type BatchingTarget, type FanOutCase } from '../../test/helpers/batching.js';
import { sqlBackends, START_HOOK_TIMEOUT_MS } from '../../test/helpers/sql-subgraph.js';
import { expectedBalance, expectedInvoice, expectedOrderBilling, invoicesOfCustomer, moneyOf } from '../../test/helpers/subgraphs/billing-expected.js';

/**
 * DataLoader audit of the billing subgraph (issue 4): every path that can fan out costs ONE SQL
 * statement per batch (per loader level), counted under the SQL interface, for 10, 100 and 1000
 * keys: `= ANY($1)` takes any number of keys, so no per-statement limit splits a batch.
 * SEED_SCALE 2.5 seeds 1000 customers (accounts), 7500 orders, ~7200 invoices and ~7100 payments.
 */
const SCALE = 2.5;
const dataset = generateDataset({ scale: SCALE });
const backends = await sqlBackends();

/** expected.ts scans the whole data set per call; each answer is derived once. */
function memo<R>(derive: (key: string) => R): (key: string) => R {
  const cache = new Map<string, R>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, derive(key));
    return cache.get(key)!;
  };
}
const invoiceById = new Map(dataset.invoices.map((invoice) => [invoice.id, invoice]));
const invoiceByNumber = new Map(dataset.invoices.map((invoice) => [invoice.number, invoice]));
const paymentById = new Map(dataset.payments.map((payment) => [payment.id, payment]));
const fullInvoice = memo((id) => expectedInvoice(dataset, invoiceById.get(id)!));
const balanceOf = memo((crmRef) => expectedBalance(dataset, crmRef));
const invoicesOf = memo((crmRef) => invoicesOfCustomer(dataset, crmRef));
const accountOf = new Map(dataset.accounts.map((account) => [account.crmRef, account]));
const newestFirst = [...dataset.invoices].sort((a, b) => b.issuedOn.localeCompare(a.issuedOn) || b.id.localeCompare(a.id));

const INVOICE_FIELDS = 'id number status issuedAt dueAt amount { amount currency } amountDue { amount currency } order { number } customer { id }';
const PAYMENT_FIELDS = 'id amount { amount currency } paidAt method';
/** The invoice without its payments (a separate loader), or with them. */
const invoiceJson = (invoice: SeedInvoice | undefined) => {
  if (!invoice) return null;
  const { payments: _payments, ...rest } = fullInvoice(invoice.id);
  return rest;
};
const withPayments = (invoice: SeedInvoice | undefined) => (invoice ? { number: invoice.number, payments: fullInvoice(invoice.id).payments } : null);
const paymentJson = (id: string) => {
  const payment = paymentById.get(id);
  if (!payment) return null;
  const invoice = invoiceById.get(payment.invoiceId)!;
  return { ...fullInvoice(invoice.id).payments.find((candidate) => candidate.id === id)!, invoice: { number: invoice.number, status: fullInvoice(invoice.id).status } };
};

const invoiceIds = (n: number) =>
  keysWithUnknown(
    dataset.invoices.map((invoice) => invoice.id),
    n,
    'inv_999999',
  );
const invoiceNumbers = (n: number) =>
  keysWithUnknown(
    dataset.invoices.map((invoice) => invoice.number),
    n,
    'INV-999999',
  );
const customerIds = (n: number) =>
  keysWithUnknown(
    dataset.customers.map((customer) => customer.id),
    n,
    'cus_9999',
  );

/** `Type.__resolveReference(key)` for n keys (one unknown): answer from `expected`, `statements` for the whole request. */
function references(typename: string, key: string, keys: (n: number) => string[], selection: string, expected: (key: string) => unknown, statements: number) {
  return (n: number) => {
    const chosen = keys(n);
    return {
      query: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${selection} } } }`,
      variables: { r: chosen.map((value) => ({ __typename: typename, [key]: value })) },
      data: { _entities: chosen.map(expected) },
      counts: { sqlStatements: statements },
    };
  };
}

const CASES: FanOutCase[] = [
  // invoiceById: one `inv_id = ANY($1)` statement (amountDue is summed in it); order and customer are references.
  { path: 'Invoice.__resolveReference(id)', request: references('Invoice', 'id', invoiceIds, INVOICE_FIELDS, (id) => invoiceJson(invoiceById.get(id)), 1) },
  // invoiceByNumber: one `inv_no = ANY($1)` statement.
  { path: 'Invoice.__resolveReference(number)', request: references('Invoice', 'number', invoiceNumbers, INVOICE_FIELDS, (number) => invoiceJson(invoiceByNumber.get(number)), 1) },
  // invoiceByNumber → paymentsByInvoiceId: one statement for every invoice's payments.
  {
    path: 'Invoice.payments',
    request: references('Invoice', 'number', invoiceNumbers, `number payments { ${PAYMENT_FIELDS} }`, (number) => withPayments(invoiceByNumber.get(number)), 2),
  },
  // paymentById → invoiceById (Payment.invoice): one statement per level.
  {
    path: 'Payment.__resolveReference(id) → Payment.invoice',
    request: references(
      'Payment',
      'id',
      (n) =>
        keysWithUnknown(
          dataset.payments.map((payment) => payment.id),
          n,
          'pay_999999',
        ),
      `${PAYMENT_FIELDS} invoice { number status }`,
      paymentJson,
      2,
    ),
  },
  // invoiceByOrderNumber, shared by both fields: one statement.
  {
    path: 'Order.invoice + Order.paymentStatus',
    request: references(
      'Order',
      'number',
      (n) =>
        keysWithUnknown(
          dataset.orders.map((order) => order.number),
          n,
          'SO-999999',
        ),
      'number invoice { number status } paymentStatus',
      (number) => ({ number, ...expectedOrderBilling(dataset, number) }),
      1,
    ),
  },
  // invoicesByCustomer: one windowed statement per distinct page (first, after, status) for every customer.
  {
    path: 'Customer.invoices',
    request: references(
      'Customer',
      'id',
      customerIds,
      'id invoices(first: 2) { nodes { number } pageInfo { hasNextPage } }',
      (id) => ({
        id,
        invoices: {
          nodes: invoicesOf(id)
            .slice(0, 2)
            .map(({ number }) => ({ number })),
          pageInfo: { hasNextPage: invoicesOf(id).length > 2 },
        },
      }),
      1,
    ),
  },
  // invoicesByCustomer → paymentsByInvoiceId: one statement per level.
  {
    path: 'Customer.invoices → Invoice.payments',
    request: references(
      'Customer',
      'id',
      customerIds,
      `id invoices(first: 2) { nodes { number payments { ${PAYMENT_FIELDS} } } }`,
      (id) => ({
        id,
        invoices: { nodes: invoicesOf(id).slice(0, 2).map(withPayments) },
      }),
      2,
    ),
  },
  // accountByCrmRef, shared by both fields: one statement (the balance is summed in it).
  {
    path: 'Customer.balance + Customer.creditLimit',
    request: references(
      'Customer',
      'id',
      customerIds,
      'id balance { amount currency } creditLimit { amount currency }',
      (id) => {
        const account = accountOf.get(id);
        return { id, balance: balanceOf(id), creditLimit: account ? moneyOf(account.creditLimitCents, account.currency) : null };
      },
      1,
    ),
  },
  // listInvoices (one statement for the page) → paymentsByInvoiceId.
  {
    path: 'Query.invoices(first: n) → Invoice.payments',
    request: (n) => ({
      query: `query ($n: Int) { invoices(first: $n) { nodes { number payments { ${PAYMENT_FIELDS} } } } }`,
      variables: { n },
      data: { invoices: { nodes: newestFirst.slice(0, n).map(withPayments) } },
      counts: { sqlStatements: 2 },
    }),
  },
];

describe.each(backends)('billing fan-out on $name', (backend) => {
  describe.skipIf(!backend.available)('one statement per batch', () => {
    let billing: BatchingTarget;
    beforeAll(async () => {
      billing = await startSqlBatchingTarget('billing', backend, SCALE);
    }, START_HOOK_TIMEOUT_MS);
    afterAll(async () => {
      await billing?.stop();
    }, START_HOOK_TIMEOUT_MS);

    describe.each(CASES)('$path', (fanOut) => {
      it.each(BATCH_SIZES)('answers %i keys with one statement per batch', async (n) => {
        await expectBatched(billing, fanOut.request(n));
      });
    });
  });
});
