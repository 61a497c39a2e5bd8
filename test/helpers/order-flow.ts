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
  const answer = await stack.query<{ createOrder: { number: string; status: string } | null }>(CREATE_ORDER, { input: orderInput(key, n) });
  const order = answer.body.data?.createOrder;
  if (answer.body.errors || !order) throw new Error(`createOrder ${key}: ${JSON.stringify(answer.body.errors ?? answer.body)}`);
  return order.number;
}

/** Invoice numbers per order number, for the orders asked about (every invoice issued since today began). */
export async function invoicesOf(stack: Stack, orders: readonly string[]): Promise<Map<string, string[]>> {
  const wanted = new Set(orders);
  const found = new Map<string, string[]>();
  const since = `${new Date().toISOString().slice(0, 10)}T00:00:00Z`;
  for (let after: string | null = null; ;) {
    type Page = { invoices: { nodes: Array<{ number: string; order: { number: string } | null }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const answer = await stack.query<Page>(INVOICES, { after, since });
    if (answer.body.errors || !answer.body.data) throw new Error(`invoices: ${JSON.stringify(answer.body.errors)}`);
    for (const invoice of answer.body.data.invoices.nodes) {
      const order = invoice.order?.number;
      if (order && wanted.has(order)) found.set(order, [...(found.get(order) ?? []), invoice.number]);
    }
    const { hasNextPage, endCursor } = answer.body.data.invoices.pageInfo;
    if (!hasNextPage || !endCursor) return found;
    after = endCursor;
  }
}

/** Parcel ids per order number at the carrier stand-in (its batch read, 100 numbers a call). */
export async function parcelsOf(stack: Stack, orders: readonly string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for (let i = 0; i < orders.length; i += 100) {
    const numbers = orders.slice(i, i + 100).join(',');
    const response = await fetch(`${stack.systems.logistics.url}/shipments?orderNumbers=${encodeURIComponent(numbers)}`, { headers: { 'x-api-key': 'dev-logistics-key' } });
    if (!response.ok) throw new Error(`carrier GET /shipments: HTTP ${response.status}`);
    const { data } = (await response.json()) as { data: Array<{ id: string; orderNumber: string }> };
    for (const parcel of data) found.set(parcel.orderNumber, [...(found.get(parcel.orderNumber) ?? []), parcel.id]);
  }
  return found;
}

/** Orders with other than exactly one entry in `found`: `{ SO-1: 0, SO-2: 2 }`; empty when each has one. */
export function notExactlyOne(orders: readonly string[], found: ReadonlyMap<string, readonly string[]>): Record<string, number> {
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
