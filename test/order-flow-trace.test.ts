import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataset } from './helpers/expected.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './helpers/otlp-receiver.js';
import { startStack, type Stack } from './helpers/stack.js';
import { waitFor } from './helpers/wait-for.js';

/** OTLP's span kinds (the JSON export uses the protobuf enum). */
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

/**
 * Issue 17: one trace spans the mutation, the relay's publish and each consumer's effect in
 * another system, so an incident is traced from the order to the invoice and the parcel.
 */
describe('one trace from createOrder to the invoice and the parcel', () => {
  let receiver: OtlpReceiver;
  let stack: Stack;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startStack({ token: { preset: 'admin' }, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200', TRACE_ID_EXTENSION: 'on' } });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('holds the gateway, the ERP and its publish, and billing and logistics processing the event with their own hops', async () => {
    const product = dataset.products[9]!;
    const created = await stack.query(`mutation ($input: CreateOrderInput!) { createOrder(input: $input) { number } }`, {
      input: { idempotencyKey: 'traced-flow', customerId: 'cus_0004', lines: [{ sku: product.sku, quantity: 1 }] },
    });
    expect(created.body.errors).toBeUndefined();
    const traceId = created.extensionsTraceId as string;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const find = (spans: ReceivedSpan[], service: string, test: (span: ReceivedSpan) => boolean) => spans.find((span) => span.service === service && test(span));
    const processing = (consumer: string) => (span: ReceivedSpan) => span.kind === CONSUMER && span.attributes['messaging.consumer.group.name'] === consumer;
    const spans = await waitFor(
      () => {
        const all = receiver.spans().filter((span) => span.traceId === traceId);
        const complete =
          find(all, 'erp-subgraph', (span) => span.kind === PRODUCER) &&
          find(all, 'billing-subgraph', processing('billing.invoice-on-approval')) &&
          find(all, 'logistics-subgraph', processing('logistics.book-shipment')) &&
          find(all, 'logistics-subgraph', (span) => span.kind === CLIENT && span.name === 'POST /shipments');
        return complete ? all : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'the flow spans' },
    );
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const ancestors = (span: ReceivedSpan) => {
      const chain: ReceivedSpan[] = [];
      for (let parent = byId.get(span.parentSpanId ?? ''); parent; parent = byId.get(parent.parentSpanId ?? '')) chain.push(parent);
      return chain;
    };

    const gateway = find(spans, 'gateway', (span) => span.kind === SERVER)!;
    const publish = find(spans, 'erp-subgraph', (span) => span.kind === PRODUCER)!;
    expect(publish).toMatchObject({ name: 'publish erp.order.approved', attributes: { 'messaging.destination.name': 'erp.order.approved', 'messaging.system': 'http' } });
    // The publish continues the request that wrote the order: the ERP's server span, under the gateway's.
    expect(ancestors(publish).map((span) => span.service)).toEqual(expect.arrayContaining(['erp-subgraph', 'gateway']));
    expect(ancestors(publish)).toContainEqual(gateway);

    const invoicing = find(spans, 'billing-subgraph', processing('billing.invoice-on-approval'))!;
    expect(invoicing).toMatchObject({ name: 'process erp.order.approved', attributes: { 'messaging.message.id': publish.attributes['messaging.message.id'] } });
    // The invoice's INSERT runs inside the consumer's span.
    const invoiceInsert = spans.find(
      (span) => span.service === 'billing-subgraph' && span.kind === CLIENT && span.attributes['db.operation.name'] === 'INSERT' && ancestors(span).includes(invoicing),
    );
    expect(invoiceInsert).toBeDefined();

    const booking = find(spans, 'logistics-subgraph', processing('logistics.book-shipment'))!;
    const carrierCall = find(spans, 'logistics-subgraph', (span) => span.kind === CLIENT && span.name === 'POST /shipments')!;
    expect(ancestors(carrierCall)).toContainEqual(booking);
    // Every span of the flow is in the request's one trace, back to the gateway.
    for (const span of [publish, invoicing, booking]) expect(ancestors(span)).toContainEqual(gateway);
  });
});
