import { generateDataset } from '../../systems/seed/generate.js';
import type { Dataset, SeedInvoice, SeedOrder } from '../../systems/seed/types.js';

/**
 * Expected answers derived from the seed data set by the business rules, written out here
 * independently of the subgraphs' code, so the tests compare two implementations.
 */
export const dataset: Dataset = generateDataset();

export const ORDER_STATUS = { D: 'DRAFT', A: 'APPROVED', S: 'SHIPPED', F: 'DELIVERED', X: 'CANCELLED' } as const;
export const INVOICE_STATUS = { O: 'OPEN', P: 'PAID', D: 'OVERDUE', V: 'VOID' } as const;

export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function newestFirst<T extends { id: string }>(items: T[], at: (item: T) => string): T[] {
  return [...items].sort((a, b) => at(b).localeCompare(at(a)) || b.id.localeCompare(a.id));
}

export function ordersOf(customerId: string): SeedOrder[] {
  return newestFirst(
    dataset.orders.filter((order) => order.customerId === customerId),
    (order) => order.placedAt,
  );
}

export function invoiceForOrder(orderNumber: string): SeedInvoice | undefined {
  return dataset.invoices.find((invoice) => invoice.orderNumber === orderNumber);
}

/** Invoiced minus paid over the customer's invoices that are not void, in the account currency (billing converts no currencies). */
export function balanceOf(customerId: string): { amount: string; currency: string } | null {
  const account = dataset.accounts.find((entry) => entry.crmRef === customerId);
  if (!account) return null;
  const invoices = dataset.invoices.filter((invoice) => invoice.crmRef === customerId && invoice.statusCode !== 'V' && invoice.currency === account.currency);
  const ids = new Set(invoices.map((invoice) => invoice.id));
  const invoiced = invoices.reduce((sum, invoice) => sum + invoice.amountCents, 0);
  const paid = dataset.payments.filter((payment) => ids.has(payment.invoiceId)).reduce((sum, payment) => sum + payment.amountCents, 0);
  return { amount: formatCents(invoiced - paid), currency: account.currency };
}

export function ticketsOf(email: string) {
  return newestFirst(
    dataset.tickets.filter((ticket) => ticket.requesterEmail === email),
    (ticket) => ticket.createdAt,
  );
}

/** The README's four-system query for one customer, and its expected answer. */
export const CUSTOMER_OVERVIEW = /* GraphQL */ `
  query CustomerOverview($id: ID!) {
    customer(id: $id) {
      name
      email
      orders(first: 3) {
        nodes {
          number
          status
          total {
            amount
            currency
          }
          invoice {
            number
            status
          }
        }
      }
      tickets(first: 3) {
        nodes {
          subject
          status
        }
      }
      balance {
        amount
        currency
      }
    }
  }
`;

export function expectedOverview(customerId: string) {
  const customer = dataset.customers.find((entry) => entry.id === customerId)!;
  return {
    customer: {
      name: customer.name,
      email: customer.email,
      orders: {
        nodes: ordersOf(customerId)
          .slice(0, 3)
          .map((order) => {
            const invoice = invoiceForOrder(order.number);
            return {
              number: order.number,
              status: ORDER_STATUS[order.statusCode],
              total: { amount: formatCents(order.totalCents), currency: order.currency },
              invoice: invoice ? { number: invoice.number, status: INVOICE_STATUS[invoice.statusCode] } : null,
            };
          }),
      },
      tickets: {
        nodes: ticketsOf(customer.email)
          .slice(0, 3)
          .map((ticket) => ({ subject: ticket.subject, status: ticket.status })),
      },
      balance: balanceOf(customerId),
    },
  };
}
