import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset } from './helpers/expected.js';
import { startOwnNats, type OwnNats } from './helpers/nats.js';
import { startStack, type Stack } from './helpers/stack.js';
import { waitFor } from './helpers/wait-for.js';

/**
 * Issue 17, end to end on real processes: an order placed through the gateway is invoiced by
 * billing and booked at the carrier by logistics, through the ERP's outbox and the event runtime,
 * on NATS JetStream (a nats-server of this file's own) and on the embedded signed-HTTP transport.
 * Exactly one invoice and one parcel, never two, however the deliveries were retried.
 */
const CREATE_ORDER = /* GraphQL */ `
  mutation ($input: CreateOrderInput!) {
    createOrder(input: $input) {
      number
      status
      total {
        amount
        currency
      }
    }
  }
`;

const FLOW = /* GraphQL */ `
  query ($number: String!, $customer: ID!) {
    order(number: $number) {
      status
      invoice {
        number
        status
        amount {
          amount
          currency
        }
      }
      shipments {
        id
        carrier
        trackingNumber
      }
      fulfillment {
        invoice {
          status
          traceId
        }
        shipment {
          status
          traceId
        }
      }
    }
    customer(id: $customer) {
      invoices(first: 1000) {
        nodes {
          number
          order {
            number
          }
        }
      }
    }
  }
`;

interface Flow {
  order: {
    status: string;
    invoice: { number: string; status: string; amount: { amount: string; currency: string } } | null;
    shipments: Array<{ id: string }> | null;
    fulfillment: Record<'invoice' | 'shipment', { status: string; traceId: string | null }>;
  };
  customer: { invoices: { nodes: Array<{ number: string; order: { number: string } | null }> } };
}

describe.each([{ transport: 'http' }, { transport: 'jetstream' }])('an approved order is invoiced and shipped ($transport)', ({ transport }) => {
  let nats: OwnNats | undefined;
  let stack: Stack;

  beforeAll(async () => {
    if (transport === 'jetstream') nats = await startOwnNats();
    stack = await startStack({ token: { preset: 'admin' }, env: { TRACE_ID_EXTENSION: 'on', ...(nats ? { NATS_URL: nats.url } : {}) } });
  });
  afterAll(async () => {
    await stack?.stop();
    await nats?.dispose();
  });

  it('createOrder through the gateway yields exactly one invoice for its total and one parcel, each step DONE under its trace id', async () => {
    const customer = 'cus_0003';
    const product = dataset.products[7]!;
    const created = await stack.query(CREATE_ORDER, { input: { idempotencyKey: `flow-${transport}`, customerId: customer, lines: [{ sku: product.sku, quantity: 3 }] } });
    expect(created.body.errors).toBeUndefined();
    const order = created.body.data!.createOrder as { number: string; status: string; total: { amount: string; currency: string } };
    expect(order.status).toBe('APPROVED');
    const traceId = created.extensionsTraceId as string;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const flowOf = async () => {
      const answer = await stack.query<Flow>(FLOW, { number: order.number, customer });
      expect(answer.body.errors).toBeUndefined();
      return answer.body.data!;
    };
    const done = await waitFor(
      async () => {
        const flow = await flowOf();
        return flow.order.invoice && (flow.order.shipments ?? []).length > 0 ? flow : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: `${order.number} invoiced and shipped` },
    );
    expect(done.order.invoice).toMatchObject({ status: 'OPEN', amount: order.total });
    // Where the order stands, from billing's and logistics' own consumer records: the request that placed it.
    await waitFor(async () => (await flowOf()).order.fulfillment.shipment.status === 'DONE', { what: 'the shipment step recorded' });
    expect((await flowOf()).order.fulfillment).toEqual({ invoice: { status: 'DONE', traceId }, shipment: { status: 'DONE', traceId } });

    // Settled: a redelivery or a second relay round would have had time to double either.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const settled = await flowOf();
    expect(settled.order.shipments).toHaveLength(1);
    expect(settled.customer.invoices.nodes.filter((invoice) => invoice.order?.number === order.number)).toEqual([
      { number: done.order.invoice!.number, order: { number: order.number } },
    ]);
  });
});
