import type { ServiceProcess } from '../../scripts/lib/processes.js';
import { dataset } from './expected.js';
import type { Stack } from './stack.js';

/**
 * What the events crash tests (test/events-crash*.test.ts) place and count: orders placed through
 * the gateway, the invoices billing issued for them (through the gateway) and the parcels the
 * carrier stand-in booked for them (its REST API), keyed by order number, so "exactly one each"
 * is a plain comparison.
 */
export const CREATE_ORDER = /* GraphQL */ `
  mutation ($input: CreateOrderInput!) {
    createOrder(input: $input) {
      number
      status
      version
    }
  }
`;

const CANCEL_ORDER = /* GraphQL */ `
  mutation ($number: String!, $expectedVersion: Int!) {
    cancelOrder(number: $number, expectedVersion: $expectedVersion) {
      status
    }
  }
`;

const INVOICES = /* GraphQL */ `
  query ($after: String, $since: DateTime) {
    invoices(first: 1000, after: $after, issuedAfter: $since) {
      nodes {
        number
        status
        order {
          number
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** Products with stock to spare: the n-th order takes one of the (n mod count)-th. */
const IN_STOCK = dataset.products.filter((product) => product.stock >= 50);
const CUSTOMERS = dataset.customers.slice(0, 50);

/** The n-th order's input: one unit of a product in stock, for one of fifty customers. */
export function orderInput(key: string, n: number) {
  return { idempotencyKey: key, customerId: CUSTOMERS[n % CUSTOMERS.length]!.id, lines: [{ sku: IN_STOCK[n % IN_STOCK.length]!.sku, quantity: 1 }] };
}

/** Places the n-th order under `key`; throws on any error (a replay under the same key returns the same order). */
export async function placeOrder(stack: Stack, key: string, n: number): Promise<string> {
  return (await placeOrderVersioned(stack, key, n)).number;
}

/** `placeOrder`, with the order's version (what cancelOrder expects). */
export async function placeOrderVersioned(stack: Stack, key: string, n: number): Promise<{ number: string; version: number }> {
  const answer = await stack.query<{ createOrder: { number: string; version: number } | null }>(CREATE_ORDER, { input: orderInput(key, n) });
  const order = answer.body.data?.createOrder;
  if (answer.body.errors || !order) throw new Error(`createOrder ${key}: ${JSON.stringify(answer.body.errors ?? answer.body)}`);
  return order;
}

/** Cancels an order through the gateway; throws on any error. */
export async function cancelOrder(stack: Stack, order: { number: string; version: number }): Promise<void> {
  const answer = await stack.query<{ cancelOrder: { status: string } | null }>(CANCEL_ORDER, { number: order.number, expectedVersion: order.version });
  if (answer.body.errors || answer.body.data?.cancelOrder?.status !== 'CANCELLED') throw new Error(`cancelOrder ${order.number}: ${JSON.stringify(answer.body)}`);
}

/** An invoice or a parcel of an order: its number or id, and its status. */
export interface Found {
  id: string;
  status: string;
}

/** Invoices per order number, for the orders asked about (every invoice issued since today began). */
export async function invoicesOf(stack: Stack, orders: readonly string[]): Promise<Map<string, Found[]>> {
  const wanted = new Set(orders);
  const found = new Map<string, Found[]>();
  const since = `${new Date().toISOString().slice(0, 10)}T00:00:00Z`;
  for (let after: string | null = null; ;) {
    type Page = { invoices: { nodes: Array<{ number: string; status: string; order: { number: string } | null }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const answer: Awaited<ReturnType<typeof stack.query<Page>>> = await stack.query<Page>(INVOICES, { after, since });
    if (answer.body.errors || !answer.body.data) throw new Error(`invoices: ${JSON.stringify(answer.body.errors)}`);
    for (const invoice of answer.body.data.invoices.nodes) {
      const order = invoice.order?.number;
      if (order && wanted.has(order)) found.set(order, [...(found.get(order) ?? []), { id: invoice.number, status: invoice.status }]);
    }
    const { hasNextPage, endCursor }: Page['invoices']['pageInfo'] = answer.body.data.invoices.pageInfo;
    if (!hasNextPage || !endCursor) return found;
    after = endCursor;
  }
}

/** Parcels per order number at the carrier stand-in (its batch read, 100 numbers a call). */
export async function parcelsOf(stack: Stack, orders: readonly string[]): Promise<Map<string, Found[]>> {
  const found = new Map<string, Found[]>();
  for (let i = 0; i < orders.length; i += 100) {
    const numbers = orders.slice(i, i + 100).join(',');
    const response = await fetch(`${stack.systems.logistics.url}/shipments?orderNumbers=${encodeURIComponent(numbers)}`, { headers: { 'x-api-key': 'dev-logistics-key' } });
    if (!response.ok) throw new Error(`carrier GET /shipments: HTTP ${response.status}`);
    const { data } = (await response.json()) as { data: Array<{ id: string; status: string; orderNumber: string }> };
    for (const parcel of data) found.set(parcel.orderNumber, [...(found.get(parcel.orderNumber) ?? []), { id: parcel.id, status: parcel.status }]);
  }
  return found;
}

/** Orders with other than exactly one entry in `found`: `{ SO-1: 0, SO-2: 2 }`; empty when each has one. */
export function notExactlyOne(orders: readonly string[], found: ReadonlyMap<string, readonly unknown[]>): Record<string, number> {
  return Object.fromEntries(orders.flatMap((order) => ((found.get(order)?.length ?? 0) === 1 ? [] : [[order, found.get(order)?.length ?? 0]])));
}

/** Resolves with the signal (or exit code) the process ended with. */
export function exitOf(service: ServiceProcess): Promise<NodeJS.Signals | number | null> {
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.signalCode ?? child.exitCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
}

/** The port a service listens on: a restart on it keeps the gateway's SUBGRAPH_<NAME>_URL right. */
export const portOf = (service: ServiceProcess): number => Number(new URL(service.url).port);
