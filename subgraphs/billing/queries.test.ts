import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import { expectedBalance, expectedInvoice, expectedOrderBilling, invoicesOfCustomer } from '../../test/helpers/subgraphs/billing-expected.js';
import { billingBackends, errorExtensions, useBilling } from '../../test/helpers/subgraphs/billing.js';

const dataset = generateDataset();
const backends = await billingBackends();

const INVOICE_FIELDS = /* GraphQL */ `
  id number status issuedAt dueAt amount { amount currency } amountDue { amount currency }
  order { number } customer { id } payments { id amount { amount currency } paidAt method }
`;

describe.each(backends)('billing subgraph reads on $name', (backend) => {
  describe.skipIf(!backend.available)('queries', () => {
    const billing = useBilling(backend);

    it('answers invoice(number) with its payments and amount due', async () => {
      const { body } = await billing.query(`{ invoice(number: "INV-200001") { ${INVOICE_FIELDS} } }`);
      const invoice = dataset.invoices.find((candidate) => candidate.number === 'INV-200001')!;
      expect(body).toEqual({ data: { invoice: expectedInvoice(dataset, invoice) } });
    });

    it('answers a split, partly paid invoice exactly', async () => {
      // An invoice with two payments that do not settle it, chosen from the data set.
      const invoice = dataset.invoices.find((candidate) => {
        const payments = dataset.payments.filter((payment) => payment.invoiceId === candidate.id);
        return payments.length === 2 && payments[0]!.amountCents + payments[1]!.amountCents < candidate.amountCents;
      })!;
      const { body } = await billing.query(`query($n: String!) { invoice(number: $n) { ${INVOICE_FIELDS} } }`, { n: invoice.number });
      expect(body).toEqual({ data: { invoice: expectedInvoice(dataset, invoice) } });
    });

    it('answers amountDue 0.00 for every void invoice: nothing is owed on it, whatever it amounted to', async () => {
      const voids = dataset.invoices.filter((invoice) => invoice.statusCode === 'V');
      expect(voids.length).toBeGreaterThan(3);
      const { body } = await billing.query('{ invoices(first: 1000, status: VOID) { nodes { number amount { amount } amountDue { amount currency } } } }');
      const nodes = body.data!.invoices.nodes as Array<{ number: string; amount: { amount: string }; amountDue: { amount: string; currency: string } }>;
      expect(nodes.map((node) => node.number).sort()).toEqual(voids.map((invoice) => invoice.number).sort());
      expect(nodes.filter((node) => node.amountDue.amount !== '0.00')).toEqual([]);
      expect(nodes.every((node) => node.amount.amount !== '0.00')).toBe(true);
      expect(nodes.map((node) => node.amountDue.currency).sort()).toEqual(voids.map((invoice) => invoice.currency).sort());
    });

    it('answers null for an unknown invoice number', async () => {
      const { body } = await billing.query('{ invoice(number: "INV-999999") { id } }');
      expect(body).toEqual({ data: { invoice: null } });
    });

    it('pages invoices newest first in SQL, filtered by status', async () => {
      const voids = dataset.invoices.filter((invoice) => invoice.statusCode === 'V').sort((a, b) => b.issuedOn.localeCompare(a.issuedOn) || b.id.localeCompare(a.id));
      const page = `query($after: String) { invoices(first: 2, after: $after, status: VOID) { nodes { number status } pageInfo { hasNextPage endCursor } } }`;
      const first = await billing.query(page);
      expect(first.body.data!.invoices.nodes).toEqual(voids.slice(0, 2).map(({ number }) => ({ number, status: 'VOID' })));
      expect(first.body.data!.invoices.pageInfo.hasNextPage).toBe(true);
      await billing.resetStatements();
      const second = await billing.query(page, { after: first.body.data!.invoices.pageInfo.endCursor });
      expect(second.body.data!.invoices.nodes).toEqual(voids.slice(2, 4).map(({ number }) => ({ number, status: 'VOID' })));
      expect(await billing.statements()).toBe(1);
    });

    it('refuses a bad page size with BAD_USER_INPUT naming the field and the system', async () => {
      const { body } = await billing.query('{ invoices(first: 1001) { nodes { id } } }');
      expect(body.data).toBeNull();
      expect(errorExtensions(body.errors?.[0])).toEqual({ code: 'BAD_USER_INPUT', field: 'first', system: 'billing', subgraph: 'billing' });
    });

    it('resolves 500 Order references with invoice and paymentStatus in one statement', async () => {
      const numbers = dataset.orders.slice(0, 500).map((order) => order.number);
      await billing.resetStatements();
      const { body } = await billing.query('query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { number invoice { number status } paymentStatus } } }', {
        r: numbers.map((number) => ({ __typename: 'Order', number })),
      });
      expect(body).toEqual({ data: { _entities: numbers.map((number) => ({ number, ...expectedOrderBilling(dataset, number) })) } });
      expect(await billing.statements()).toBe(1);
    });

    it('resolves 300 Customer references with invoices and balance in two statements', async () => {
      const ids = dataset.customers.slice(0, 300).map((customer) => customer.id);
      await billing.resetStatements();
      const { body } = await billing.query(
        `query($r: [_Any!]!) { _entities(representations: $r) {
           ... on Customer { id invoices(first: 2) { nodes { number } } balance { amount currency } } } }`,
        { r: ids.map((id) => ({ __typename: 'Customer', id })) },
      );
      const expected = ids.map((id) => ({
        id,
        invoices: {
          nodes: invoicesOfCustomer(dataset, id)
            .slice(0, 2)
            .map(({ number }) => ({ number })),
        },
        balance: expectedBalance(dataset, id),
      }));
      expect(body).toEqual({ data: { _entities: expected } });
      expect(await billing.statements()).toBe(2);
    });

    it("gives cus_0001's balance and credit limit from its account", async () => {
      const account = dataset.accounts.find((candidate) => candidate.crmRef === 'cus_0001')!;
      const { body } = await billing.query(
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { balance { amount currency } creditLimit { amount currency } } } }',
        { r: [{ __typename: 'Customer', id: 'cus_0001' }] },
      );
      const creditLimit = { amount: (account.creditLimitCents / 100).toFixed(2), currency: account.currency };
      expect(body).toEqual({ data: { _entities: [{ balance: expectedBalance(dataset, 'cus_0001'), creditLimit }] } });
    });

    it('answers a null balance for a reference billing has no account for, and still lists its invoices', async () => {
      const orphan = dataset.orphans.invoiceCrmRefs[0]!;
      const { body } = await billing.query(
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { balance { amount } creditLimit { amount } invoices { nodes { number } pageInfo { hasNextPage } } } } }',
        { r: [{ __typename: 'Customer', id: orphan }] },
      );
      const nodes = invoicesOfCustomer(dataset, orphan).map(({ number }) => ({ number }));
      expect(body).toEqual({ data: { _entities: [{ balance: null, creditLimit: null, invoices: { nodes, pageInfo: { hasNextPage: false } } }] } });
    });

    it('groups Customer.invoices by arguments: one statement per distinct argument set', async () => {
      const ids = dataset.customers.slice(0, 50).map((customer) => customer.id);
      await billing.resetStatements();
      const { body } = await billing.query(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer {
           latest: invoices(first: 1) { nodes { number } }
           paid: invoices(first: 3, status: PAID) { nodes { number } } } } }`,
        { r: ids.map((id) => ({ __typename: 'Customer', id })) },
      );
      const expected = ids.map((id) => ({
        latest: {
          nodes: invoicesOfCustomer(dataset, id)
            .slice(0, 1)
            .map(({ number }) => ({ number })),
        },
        paid: {
          nodes: invoicesOfCustomer(dataset, id)
            .filter((i) => i.statusCode === 'P')
            .slice(0, 3)
            .map(({ number }) => ({ number })),
        },
      }));
      expect(body).toEqual({ data: { _entities: expected } });
      expect(await billing.statements()).toBe(2);
    });

    it('resolves Invoice references by id and by number, and null for unknown keys', async () => {
      const [a, b] = [dataset.invoices[4]!, dataset.invoices[5]!];
      const { body } = await billing.query('query($r: [_Any!]!) { _entities(representations: $r) { ... on Invoice { id number } } }', {
        r: [
          { __typename: 'Invoice', id: a.id },
          { __typename: 'Invoice', number: b.number },
          { __typename: 'Invoice', id: 'inv_999999' },
          { __typename: 'Invoice', id: 'not-an-id' },
          { __typename: 'Invoice', number: 'INV-1' },
        ],
      });
      expect(body).toEqual({ data: { _entities: [{ id: a.id, number: a.number }, { id: b.id, number: b.number }, null, null, null] } });
    });

    it('resolves Payment references with their invoice', async () => {
      const payment = dataset.payments[0]!;
      const invoice = dataset.invoices.find((candidate) => candidate.id === payment.invoiceId)!;
      const { body } = await billing.query('query($r: [_Any!]!) { _entities(representations: $r) { ... on Payment { id invoice { number } } } }', {
        r: [
          { __typename: 'Payment', id: payment.id },
          { __typename: 'Payment', id: 'pay_999999' },
        ],
      });
      expect(body).toEqual({ data: { _entities: [{ id: payment.id, invoice: { number: invoice.number } }, null] } });
    });
  });
});
