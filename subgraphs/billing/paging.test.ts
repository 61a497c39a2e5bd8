import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import type { SeedInvoice } from '../../systems/seed/types.js';
import { billingBackends, errorExtensions, useBilling } from '../../test/helpers/subgraphs/billing.js';

/** Billing's keyset connections and totalCount, with an invoice issued between two pages. */
const dataset = generateDataset();
const backends = await billingBackends();

const newestFirst = (invoices: SeedInvoice[]) => [...invoices].sort((a, b) => b.issuedOn.localeCompare(a.issuedOn) || b.id.localeCompare(a.id)).map(({ number }) => ({ number }));
const ISSUE = 'mutation ($input: IssueInvoiceInput!) { issueInvoice(input: $input) { number issuedAt } }';
const ROOT = 'query ($after: String) { invoices(first: 3, after: $after) { nodes { number } pageInfo { hasNextPage endCursor } } }';
const OF_CUSTOMER = /* GraphQL */ `
  query ($r: [_Any!]!, $after: String) {
    _entities(representations: $r) {
      ... on Customer {
        invoices(first: 2, after: $after) {
          totalCount
          nodes {
            number
          }
          pageInfo {
            endCursor
          }
        }
      }
    }
  }
`;

// Orders the seed never invoiced (drafts, cancelled): each test issues one for its own.
const uninvoiced = dataset.orders.filter((order) => !dataset.invoices.some((invoice) => invoice.orderNumber === order.number));
const invoicesOf = (crmRef: string) => dataset.invoices.filter((invoice) => invoice.crmRef === crmRef);
const customer = dataset.customers.find((candidate) => invoicesOf(candidate.id).length >= 4 && uninvoiced.some((order) => order.customerId === candidate.id))!;

describe.each(backends)('billing keyset paging on $name', (backend) => {
  describe.skipIf(!backend.available)('connections', () => {
    const billing = useBilling(backend);
    const issueFor = async (order: (typeof uninvoiced)[number], key: string) => {
      const input = { idempotencyKey: key, orderNumber: order.number, customerId: order.customerId, amount: '10.00', currency: order.currency };
      const { body } = await billing.query(ISSUE, { input });
      expect(body.errors).toBeUndefined();
      return body.data!.issueInvoice as { number: string };
    };

    it('continues after the last invoice seen when one is issued between pages', async () => {
      const first = (await billing.query(ROOT)).body.data!.invoices;
      await issueFor(
        uninvoiced.find((order) => order.customerId !== customer.id)!,
        'paging-root',
      );
      const second = (await billing.query(ROOT, { after: first.pageInfo.endCursor })).body.data!.invoices;
      expect([...first.nodes, ...second.nodes]).toEqual(newestFirst(dataset.invoices).slice(0, 6));
    });

    it("pages one customer's invoices by key and counts them, one issued in between", async () => {
      const r = [{ __typename: 'Customer', id: customer.id }];
      const first = (await billing.query(OF_CUSTOMER, { r })).body.data!._entities[0].invoices;
      expect(first.totalCount).toBe(invoicesOf(customer.id).length);
      const issued = await issueFor(
        uninvoiced.find((order) => order.customerId === customer.id)!,
        'paging-customer',
      );
      const second = (await billing.query(OF_CUSTOMER, { r, after: first.pageInfo.endCursor })).body.data!._entities[0].invoices;
      expect([...first.nodes, ...second.nodes]).toEqual(newestFirst(invoicesOf(customer.id)).slice(0, 4));
      expect(second.totalCount).toBe(invoicesOf(customer.id).length + 1);
      expect(second.nodes).not.toContainEqual({ number: issued.number });
    });

    it('counts the filtered root list in one more statement, only when selected', async () => {
      await billing.resetStatements();
      const { body } = await billing.query('{ invoices(first: 1, status: VOID, issuedBefore: "2030-01-01T00:00:00Z") { totalCount nodes { number } } }');
      expect(await billing.statements()).toBe(2);
      expect(body.data!.invoices.totalCount).toBe(dataset.invoices.filter((invoice) => invoice.statusCode === 'V').length);
    });

    it("refuses a customer list's cursor on the root list with BAD_USER_INPUT naming after", async () => {
      const r = [{ __typename: 'Customer', id: customer.id }];
      const foreign = (await billing.query(OF_CUSTOMER, { r })).body.data!._entities[0].invoices.pageInfo.endCursor;
      const { body } = await billing.query(ROOT, { after: foreign });
      expect(body.data).toBeNull();
      expect(errorExtensions(body.errors?.[0])).toEqual({ code: 'BAD_USER_INPUT', field: 'after', system: 'billing', subgraph: 'billing' });
    });
  });
});
