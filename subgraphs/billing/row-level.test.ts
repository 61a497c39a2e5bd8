import { describe, expect, it } from 'vitest';
import { HARNESS_PRINCIPAL } from '../../test/helpers/tokens.js';
import type { Principal } from '../shared/context.js';
import { generateDataset } from '../../systems/seed/generate.js';
import type { SeedInvoice } from '../../systems/seed/types.js';
import { decimal, expectedBalance, expectedInvoice, expectedOrderBilling, invoicesOfCustomer, moneyOf } from '../../test/helpers/subgraphs/billing-expected.js';
import { billingBackends, useBilling } from '../../test/helpers/subgraphs/billing.js';
import { portalPrincipal, withoutStacktraces } from '../../test/helpers/subgraphs/row-level.js';

/**
 * Row-level rules of the billing subgraph, called directly with the gateway's internal token for
 * a portal principal of cus_0001: another customer's invoices, payments and account are `null`
 * + FORBIDDEN, never data; payments on them are refused without writing.
 */
const dataset = generateDataset();
const backends = await billingBackends();

const A = dataset.customers.find((customer) => customer.id === 'cus_0001')!;
const B = dataset.customers.find((customer) => customer.id === 'cus_0002')!;
const PORTAL_A = portalPrincipal(A);

const paid = (invoice: SeedInvoice) => dataset.payments.some((payment) => payment.invoiceId === invoice.id);
const payable = (invoice: SeedInvoice) => (invoice.statusCode === 'O' || invoice.statusCode === 'D') && !paid(invoice);
const [ownInvoice, otherInvoice] = [invoicesOfCustomer(dataset, A.id)[0]!, invoicesOfCustomer(dataset, B.id)[0]!];
const ownPayable = invoicesOfCustomer(dataset, A.id).find(payable)!;
const otherPayable = invoicesOfCustomer(dataset, B.id).find(payable)!;
const otherPayment = dataset.payments.find((payment) => invoicesOfCustomer(dataset, B.id).some((invoice) => invoice.id === payment.invoiceId))!;
const ownPayment = dataset.payments.find((payment) => invoicesOfCustomer(dataset, A.id).some((invoice) => invoice.id === payment.invoiceId))!;

const INVOICE_FIELDS =
  'id number status issuedAt dueAt amount { amount currency } amountDue { amount currency } order { number } customer { id } payments { id amount { amount currency } paidAt method }';
const ENTITIES = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Invoice { number } ... on Payment { id } ... on Order { invoice { number } paymentStatus } } }';
const CUSTOMERS =
  'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { invoices(first: 100) { nodes { number } } balance { amount currency } creditLimit { amount } } } }';
const RECORD = 'mutation ($input: RecordPaymentInput!) { recordPayment(input: $input) { id amount { amount currency } } }';
const PAYMENTS = 'query ($n: String!) { invoice(number: $n) { status payments { id } } }';

const column = (query: string, token: string) => query.indexOf(token) + 1;
/** Errors arrive in the order their batches complete, which varies; compare them by path. */
function byPath<T extends { errors?: Array<{ path?: unknown }> }>(body: T): T {
  body.errors?.sort((a, b) => (JSON.stringify(a.path) < JSON.stringify(b.path) ? -1 : 1));
  return body;
}
const forbidden = (what: string, path: (string | number)[], col: number, extra: Record<string, unknown> = {}) => ({
  message: `not allowed to access another customer's ${what}`,
  locations: [{ line: 1, column: col }],
  path,
  extensions: { code: 'FORBIDDEN', system: 'billing', subgraph: 'billing', ...extra },
});
const payment = (invoice: SeedInvoice, key: string) => ({
  idempotencyKey: key,
  invoiceNumber: invoice.number,
  amount: decimal(1000),
  currency: invoice.currency,
  method: 'CARD',
});

describe.each(backends)('billing row-level rules on $name', (backend) => {
  describe.skipIf(!backend.available)('portal principal of cus_0001', () => {
    const billing = useBilling(backend);
    const query = async (text: string, variables?: Record<string, unknown>, principal: Principal = PORTAL_A) =>
      withoutStacktraces((await billing.query(text, variables, principal)).body);

    it("answers another customer's invoice(number) with null and FORBIDDEN", async () => {
      expect(await query(`{ invoice(number: "${otherInvoice.number}") { ${INVOICE_FIELDS} } }`)).toEqual({
        data: { invoice: null },
        errors: [forbidden('invoice', ['invoice'], 3)],
      });
    });

    it('answers its own invoice in full, and null without an error for an unknown number', async () => {
      expect(await query(`{ invoice(number: "${ownInvoice.number}") { ${INVOICE_FIELDS} } }`)).toEqual({
        data: { invoice: expectedInvoice(dataset, ownInvoice) },
      });
      expect(await query('{ invoice(number: "INV-999999") { id } }')).toEqual({ data: { invoice: null } });
    });

    it('lists only its own invoices, filtered in one statement', async () => {
      await billing.resetStatements();
      const body = await query('{ invoices(first: 1000) { nodes { number customer { id } } pageInfo { hasNextPage } } }');
      expect(await billing.statements()).toBe(1);
      expect(body).toEqual({
        data: {
          invoices: { nodes: invoicesOfCustomer(dataset, A.id).map(({ number }) => ({ number, customer: { id: A.id } })), pageInfo: { hasNextPage: false } },
        },
      });
    });

    it("refuses another customer's invoices, balance and credit limit, in two statements for the batch", async () => {
      await billing.resetStatements();
      const body = await query(CUSTOMERS, {
        r: [
          { __typename: 'Customer', id: A.id },
          { __typename: 'Customer', id: B.id },
        ],
      });
      expect(await billing.statements()).toBe(2);
      const account = dataset.accounts.find((candidate) => candidate.crmRef === A.id)!;
      expect(body).toEqual({
        data: {
          _entities: [
            {
              invoices: { nodes: invoicesOfCustomer(dataset, A.id).map(({ number }) => ({ number })) },
              balance: expectedBalance(dataset, A.id),
              creditLimit: { amount: moneyOf(account.creditLimitCents, account.currency).amount },
            },
            { invoices: null, balance: null, creditLimit: null },
          ],
        },
        errors: [
          forbidden('invoices', ['_entities', 1, 'invoices'], column(CUSTOMERS, 'invoices(')),
          forbidden('balance', ['_entities', 1, 'balance'], column(CUSTOMERS, 'balance')),
          forbidden('credit limit', ['_entities', 1, 'creditLimit'], column(CUSTOMERS, 'creditLimit')),
        ],
      });
    });

    it("refuses another customer's Invoice, Payment and Order.invoice references, loaded in one statement per kind", async () => {
      await billing.resetStatements();
      const body = await query(ENTITIES, {
        r: [
          { __typename: 'Invoice', number: otherInvoice.number },
          { __typename: 'Invoice', number: ownInvoice.number },
          { __typename: 'Invoice', id: otherInvoice.id },
          { __typename: 'Payment', id: otherPayment.id },
          { __typename: 'Payment', id: ownPayment.id },
          { __typename: 'Order', number: otherInvoice.orderNumber },
          { __typename: 'Order', number: ownInvoice.orderNumber },
        ],
      });
      // Invoices by number, by id, payments by id, invoices by order number.
      expect(await billing.statements()).toBe(4);
      const at = column(ENTITIES, '_entities');
      const ownBilling = expectedOrderBilling(dataset, ownInvoice.orderNumber);
      expect(byPath(body)).toEqual({
        data: {
          _entities: [
            null,
            { number: ownInvoice.number },
            null,
            null,
            { id: ownPayment.id },
            { invoice: null, paymentStatus: null },
            { invoice: { number: ownBilling.invoice!.number }, paymentStatus: ownBilling.paymentStatus },
          ],
        },
        errors: [
          forbidden('invoice', ['_entities', 0], at),
          forbidden('invoice', ['_entities', 2], at),
          forbidden('payment', ['_entities', 3], at),
          forbidden('invoice', ['_entities', 5, 'invoice'], column(ENTITIES, 'invoice {')),
          forbidden('invoice', ['_entities', 5, 'paymentStatus'], column(ENTITIES, 'paymentStatus')),
        ],
      });
    });

    it('leaves principals without a customer unrestricted', async () => {
      expect(await query(`{ invoice(number: "${otherInvoice.number}") { number } }`, undefined, HARNESS_PRINCIPAL)).toEqual({
        data: { invoice: { number: otherInvoice.number } },
      });
    });

    it("refuses a payment on another customer's invoice and writes nothing", async () => {
      const before = await query(PAYMENTS, { n: otherPayable.number }, HARNESS_PRINCIPAL);
      const body = await query(RECORD, { input: payment(otherPayable, 'row-level-b-1') });
      expect(body).toEqual({
        data: { recordPayment: null },
        errors: [forbidden('invoice', ['recordPayment'], column(RECORD, 'recordPayment('), { field: 'input.invoiceNumber' })],
      });
      expect(await query(PAYMENTS, { n: otherPayable.number }, HARNESS_PRINCIPAL)).toEqual(before);
    });

    it("never replays another customer's payment through a reused idempotency key", async () => {
      const input = payment(otherPayable, 'row-level-b-2');
      const recorded = await query(RECORD, { input }, HARNESS_PRINCIPAL);
      expect(recorded.data!.recordPayment).toEqual({ id: expect.any(String), amount: { amount: '10.00', currency: otherPayable.currency } });
      const replay = await query(RECORD, { input });
      expect(replay).toEqual({
        data: { recordPayment: null },
        errors: [forbidden('invoice', ['recordPayment'], column(RECORD, 'recordPayment('), { field: 'input.invoiceNumber' })],
      });
    });

    it('records a payment on its own invoice', async () => {
      const body = await query(RECORD, { input: payment(ownPayable, 'row-level-a-1') });
      expect(body).toEqual({ data: { recordPayment: { id: expect.any(String), amount: { amount: '10.00', currency: ownPayable.currency } } } });
      const after = await query(PAYMENTS, { n: ownPayable.number });
      expect(after.data!.invoice.payments).toEqual([{ id: body.data!.recordPayment.id }]);
    });
  });
});
