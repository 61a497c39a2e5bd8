import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type ServiceProcess } from '../scripts/lib/processes.js';
import { dataset } from './helpers/expected.js';
import { startOtlpReceiver, type OtlpReceiver } from './helpers/otlp-receiver.js';
import { graphqlAs, startStack, type Stack } from './helpers/stack.js';
import { waitFor } from './helpers/wait-for.js';

/**
 * Issue 17, the process view on real processes: `Order.fulfillment` through the gateway, each
 * step answered by the system that owns it (billing, logistics, the ERP), and `stuckProcesses`
 * from the ERP's milestones. The carrier stand-in is stopped to make a shipment booking fail: the
 * step shows FAILED with its attempts and error, the order is listed as stuck (shipment SLO 3 s
 * through PROCESS_SLO_OVERRIDES), and it leaves the list once the carrier is back and booked it.
 */
const CREATE_ORDER = /* GraphQL */ `
  mutation ($input: CreateOrderInput!) {
    createOrder(input: $input) {
      number
    }
  }
`;

const FULFILLMENT = /* GraphQL */ `
  query ($number: String!) {
    order(number: $number) {
      status
      fulfillment {
        invoice {
          ...step
        }
        shipment {
          ...step
        }
        delivery {
          ...step
        }
        payment {
          ...step
        }
      }
    }
  }
  fragment step on FulfillmentStep {
    step
    system
    status
    startedAt
    completedAt
    dueAt
    overdue
    attempts
    lastError
    traceId
  }
`;

const STUCK = /* GraphQL */ `
  query {
    stuckProcesses(olderThan: "PT1S", first: 100) {
      nodes {
        order {
          number
        }
        lateSteps
      }
    }
  }
`;

interface Step {
  step: string;
  system: string;
  status: string;
  startedAt: string | null;
  completedAt: string | null;
  dueAt: string | null;
  overdue: boolean;
  attempts: number;
  lastError: string | null;
  traceId: string | null;
}
interface Fulfillment {
  order: { status: string; fulfillment: { invoice: Step; shipment: Step; delivery: Step; payment: Step } };
}

describe('where an order stands (process view)', () => {
  let receiver: OtlpReceiver;
  let stack: Stack;
  let carrier: ServiceProcess | undefined;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startStack({
      token: { preset: 'admin' },
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        TRACE_ID_EXTENSION: 'on',
        PROCESS_SLO_OVERRIDES: 'shipment=PT3S',
        // Retried often and never dead-lettered while the carrier is down.
        EVENTS_RETRY_BASE_MS: '200',
        EVENTS_RETRY_MAX_MS: '1000',
        EVENTS_MAX_DELIVERIES: '1000',
      },
    });
  }, 180_000);
  afterAll(async () => {
    await carrier?.stop();
    await stack?.stop();
    await receiver?.close();
  });

  const place = async (key: string, customerId: string) => {
    const created = await stack.query(CREATE_ORDER, { input: { idempotencyKey: key, customerId, lines: [{ sku: dataset.products[11]!.sku, quantity: 1 }] } });
    expect(created.body.errors).toBeUndefined();
    return { number: (created.body.data!.createOrder as { number: string }).number, traceId: created.extensionsTraceId as string };
  };
  // Orders are placed as admin; the process view is read with the operations preset.
  const asOperations = graphqlAs({ preset: 'operations' });
  const fulfillmentOf = async (number: string) => {
    const answer = await asOperations<Fulfillment>(stack.gatewayUrl, FULFILLMENT, { number });
    expect(answer.body.errors).toBeUndefined();
    return answer.body.data!.order;
  };
  const stuck = async () => {
    const answer = await asOperations<{ stuckProcesses: { nodes: Array<{ order: { number: string }; lateSteps: string[] }> } }>(stack.gatewayUrl, STUCK);
    expect(answer.body.errors).toBeUndefined();
    return answer.body.data!.stuckProcesses.nodes.map((node) => ({ number: node.order.number, lateSteps: node.lateSteps }));
  };

  it('shows an order invoiced and shipped, each step DONE by its own system with the trace id of the request that placed it', async () => {
    const placed = await place('process-view-ok', 'cus_0003');
    expect(placed.traceId).toMatch(/^[0-9a-f]{32}$/);
    const order = await waitFor(
      async () => {
        const found = await fulfillmentOf(placed.number);
        const { invoice, shipment } = found.fulfillment;
        // The ERP recorded the booking too: its delivery step counts from it (the order stays APPROVED).
        return invoice.status === 'DONE' && shipment.status === 'DONE' && found.fulfillment.delivery.startedAt !== null ? found : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: `${placed.number} invoiced, and booked as the ERP knows` },
    );
    const { invoice, shipment, delivery, payment } = order.fulfillment;
    expect(invoice).toMatchObject({ step: 'INVOICE', system: 'billing', attempts: 1, lastError: null, traceId: placed.traceId, overdue: false });
    expect(shipment).toMatchObject({ step: 'SHIPMENT', system: 'logistics', attempts: 1, lastError: null, traceId: placed.traceId, overdue: false });
    expect(Date.parse(shipment.dueAt!) - Date.parse(shipment.startedAt!)).toBe(3000);
    expect(Date.parse(shipment.completedAt!)).toBeGreaterThanOrEqual(Date.parse(shipment.startedAt!));
    // The ERP's delivery step counts from the booking it recorded; billing's payment from the invoice.
    expect(delivery).toMatchObject({ step: 'DELIVERY', system: 'erp', status: 'PENDING', overdue: false });
    expect(delivery.startedAt).not.toBeNull();
    expect(payment).toMatchObject({ step: 'PAYMENT', system: 'billing', status: 'PENDING', overdue: false });
    expect(await stuck()).not.toContainEqual(expect.objectContaining({ number: placed.number }));

    // A portal token sees its own order's steps, without the operators' diagnostics.
    const asPortal = graphqlAs({ preset: 'portal', customer: 'cus_0003' });
    const portal = await asPortal<Fulfillment>(stack.gatewayUrl, `query ($n: String!) { order(number: $n) { fulfillment { shipment { status traceId } } } }`, {
      n: placed.number,
    });
    expect(portal.body.data).toEqual({ order: { fulfillment: { shipment: { status: 'DONE', traceId: null } } } });
    expect(portal.body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
  });

  it('shows a failing booking as FAILED with its attempts and error, lists the order as stuck, and stops once the carrier booked it', async () => {
    const standIn = stack.systems.logistics;
    const port = new URL(standIn.url).port;
    await standIn.stop();
    const placed = await place('process-view-carrier-down', 'cus_0005');

    const failing = await waitFor(
      async () => {
        const { shipment } = (await fulfillmentOf(placed.number)).fulfillment;
        return shipment.status === 'FAILED' && shipment.attempts >= 2 ? shipment : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: `${placed.number}'s booking failing` },
    );
    expect(failing).toMatchObject({ step: 'SHIPMENT', system: 'logistics', completedAt: null, traceId: placed.traceId });
    expect(failing.lastError).toMatch(/unreachable/);

    const listed = await waitFor(async () => (await stuck()).find((node) => node.number === placed.number), {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: `${placed.number} listed by stuckProcesses`,
    });
    expect(listed).toEqual({ number: placed.number, lateSteps: ['SHIPMENT'] });
    expect((await fulfillmentOf(placed.number)).fulfillment.shipment).toMatchObject({ status: 'FAILED', overdue: true });

    // The carrier is back on its address (and data): the retried booking goes through.
    carrier = await startService({ name: 'logistics-system', entry: 'systems/logistics/main.ts', env: { ...stack.env, PORT: port } });
    const booked = await waitFor(
      async () => {
        const { shipment } = (await fulfillmentOf(placed.number)).fulfillment;
        return shipment.status === 'DONE' ? shipment : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: `${placed.number} booked once the carrier is back` },
    );
    expect(booked.attempts).toBeGreaterThan(failing.attempts);
    expect(booked.overdue).toBe(false);
    await waitFor(async () => ((await stuck()).some((node) => node.number === placed.number) ? undefined : true), {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: `${placed.number} no longer stuck once the ERP recorded the booking`,
    });
  });
});
