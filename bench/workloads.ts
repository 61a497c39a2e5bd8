import type { WorkloadId, WorkloadInfo } from './types.js';

/**
 * The workloads (issue 4's three and issue 13's deep one) and the check each answer must pass
 * before a gateway is measured on it: a gateway that answers with errors or missing nodes must
 * not produce a fast number.
 */

export interface Workload extends WorkloadInfo {
  /** Returns why the answer is wrong, or undefined when it is right. */
  check(body: { data?: any; errors?: unknown[] }): string | undefined;
  /** The answer must be at least this long (bytes of JSON): the deep workload measures big answers. */
  minBytes?: number;
}

const CUSTOMER_ID = 'cus_0001';

/** Total nodes in `connection.nodes` over a list of parents. */
const countNodes = (parents: any[], field: string) => parents.reduce((sum, parent) => sum + (parent?.[field]?.nodes?.length ?? 0), 0);

export const WORKLOADS: readonly Workload[] = [
  {
    id: 'a',
    label: '(a) customer by id: one system',
    query: `query BenchCustomer { customer(id: "${CUSTOMER_ID}") { id name segment country accountManager createdAt } }`,
    check: ({ data }) => {
      const customer = data?.customer;
      if (customer?.id !== CUSTOMER_ID) return `expected customer ${CUSTOMER_ID}, got ${JSON.stringify(customer)}`;
      if (!customer.name || !customer.segment || !customer.country) return 'customer fields missing';
      return undefined;
    },
  },
  {
    id: 'b',
    label: '(b) dashboard, 20 customers: four systems',
    query: `query BenchDashboard { customers(first: 20) { nodes { id name email
      orders(first: 3) { nodes { number status total { amount currency } invoice { number status } } }
      tickets(first: 3) { nodes { subject status } }
      balance { amount currency } } } }`,
    check: ({ data }) => {
      const customers: any[] = data?.customers?.nodes ?? [];
      if (customers.length !== 20) return `expected 20 customers, got ${customers.length}`;
      if (customers.some((customer) => !customer.orders || !customer.tickets)) return 'a customer has no orders or tickets connection';
      const orders = countNodes(customers, 'orders');
      const tickets = countNodes(customers, 'tickets');
      const invoices = customers.flatMap((customer) => customer.orders.nodes).filter((order: any) => order.invoice).length;
      // The first customer always has orders, invoices and tickets (DESIGN.md), so none may be zero.
      if (orders === 0 || tickets === 0 || invoices === 0) return `expected orders, invoices and tickets, got ${orders}, ${invoices}, ${tickets}`;
      if (!customers[0].balance) return 'the first customer has no balance';
      return undefined;
    },
  },
  {
    id: 'c',
    label: '(c) 500 orders with customer and invoice',
    query: `query BenchOrders { orders(first: 500) { nodes { number customer { id name } invoice { number status } } } }`,
    check: ({ data }) => {
      const orders: any[] = data?.orders?.nodes ?? [];
      if (orders.length !== 500) return `expected 500 orders, got ${orders.length}`;
      const withoutCustomer = orders.filter((order) => !order.customer?.name).length;
      if (withoutCustomer > 0) return `${withoutCustomer} orders without their customer`;
      if (!orders.some((order) => order.invoice)) return 'no order has an invoice';
      return undefined;
    },
  },
  {
    id: 'd',
    label: '(d) deep: 20 customers, nested entities, 4 systems',
    query: `query BenchDeep { customers(first: 20) { nodes { id name email segment country accountManager
      orders(first: 5) { nodes { number status placedAt paymentStatus total { amount currency }
        lines { lineNumber quantity unitPrice { amount currency } product { sku name stock price { amount currency } } }
        invoice { number status issuedAt dueAt amountDue { amount currency } payments { amount { amount currency } paidAt method } } } }
      tickets(first: 5) { nodes { subject status priority slaDueAt order { number status total { amount currency } } } }
      balance { amount currency } } } }`,
    minBytes: 50_000,
    check: ({ data }) => {
      const customers: any[] = data?.customers?.nodes ?? [];
      if (customers.length !== 20) return `expected 20 customers, got ${customers.length}`;
      const orders = customers.flatMap((customer) => customer.orders?.nodes ?? []);
      const lines = orders.flatMap((order: any) => order.lines ?? []);
      if (lines.length === 0 || lines.some((line: any) => !line.product?.sku)) return 'order lines without their product';
      if (!orders.some((order: any) => order.invoice?.payments?.length)) return 'no invoice with payments';
      if (countNodes(customers, 'tickets') === 0) return 'no tickets';
      return undefined;
    },
  },
];

/** `check` wrapped around the raw HTTP answer: status, JSON and GraphQL errors first. */
export function checkAnswer(workload: Workload, status: number, text: string): string | undefined {
  if (status < 200 || status >= 300) return `HTTP ${status}: ${text.slice(0, 300)}`;
  let body: { data?: unknown; errors?: unknown[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return `not JSON: ${text.slice(0, 300)}`;
  }
  if (body.errors?.length) return `errors: ${JSON.stringify(body.errors).slice(0, 500)}`;
  if (workload.minBytes && Buffer.byteLength(text) < workload.minBytes) return `answer of ${Buffer.byteLength(text)} bytes, expected at least ${workload.minBytes}`;
  return workload.check(body);
}

/**
 * Apollo Server writes `errors` first in every JSON answer (`orderExecutionResultFields`), so a
 * prefix check finds a GraphQL error without parsing each response during the run.
 */
export function answerHasErrors(body: string): boolean {
  return body.startsWith('{"errors"');
}

export function workloadById(id: WorkloadId): Workload {
  return WORKLOADS.find((workload) => workload.id === id)!;
}
