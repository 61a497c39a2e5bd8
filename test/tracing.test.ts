import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './helpers/otlp-receiver.js';
import { startStack, type Stack } from './helpers/stack.js';

/** OTLP's span kinds (the JSON export uses the protobuf enum). */
const SERVER = 2;
const CLIENT = 3;

const CROSS_SYSTEM = /* GraphQL */ `
  query CustomerOrders {
    customers(first: 1) {
      nodes {
        id
        name
        orders(first: 2) {
          nodes {
            number
            status
          }
        }
      }
    }
  }
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('tracing across gateway → subgraph → system (real processes, OTLP/HTTP export)', () => {
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

  /** Polls the receiver (bounded) until `ready` holds for the spans of `traceId`. */
  async function spansOf(traceId: string, ready: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const spans = receiver.spans().filter((span) => span.traceId === traceId);
      if (ready(spans)) return spans;
      await sleep(100);
    }
    return receiver.spans().filter((span) => span.traceId === traceId);
  }

  it('links the gateway, the crm and erp subgraphs and their REST and SQL hops in one trace', async () => {
    const response = await stack.query(CROSS_SYSTEM, undefined, { 'apollographql-client-name': 'tracing-test' });
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    const traceId = response.extensionsTraceId as string;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(response.headers['x-trace-id']).toBe(traceId);

    const find = (spans: ReceivedSpan[], service: string, test: (span: ReceivedSpan) => boolean) => spans.find((span) => span.service === service && test(span));
    const isRest = (span: ReceivedSpan) => span.kind === CLIENT && span.name === 'GET /customers';
    const isSql = (span: ReceivedSpan) => span.kind === CLIENT && span.attributes['db.system.name'] === 'pglite';
    const spans = await spansOf(traceId, (all) => Boolean(find(all, 'crm-subgraph', isRest) && find(all, 'erp-subgraph', isSql) && find(all, 'gateway', (s) => s.kind === SERVER)));

    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const gatewayServer = find(spans, 'gateway', (span) => span.kind === SERVER);
    expect(gatewayServer).toMatchObject({
      name: 'POST /graphql',
      parentSpanId: undefined,
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/graphql',
        'http.response.status_code': 200,
        'graphql.operation.name': 'CustomerOrders',
        'graphql.operation.type': 'query',
        'bizgraph.client.name': 'tracing-test',
      },
    });
    expect(gatewayServer!.attributes['bizgraph.request_id']).toBe(response.headers['x-request-id']);

    /** True when `ancestorId` is on `span`'s parent chain (Apollo's own gateway.* spans sit in between). */
    const descendsFrom = (span: ReceivedSpan, ancestorId: string) => {
      for (let parent = span.parentSpanId; parent !== undefined; parent = byId.get(parent)?.parentSpanId) if (parent === ancestorId) return true;
      return false;
    };

    for (const [subgraph, isHop] of [
      ['crm', isRest],
      ['erp', isSql],
    ] as const) {
      const fetch = find(spans, 'gateway', (span) => span.kind === CLIENT && span.attributes['bizgraph.subgraph'] === subgraph);
      expect(fetch, `gateway fetch span for ${subgraph}`).toBeDefined();
      expect(fetch!.attributes).toMatchObject({ 'bizgraph.system': subgraph, 'http.request.method': 'POST', 'http.response.status_code': 200 });
      expect(fetch!.attributes['url.full']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
      expect(descendsFrom(fetch!, gatewayServer!.spanId)).toBe(true);

      const server = find(spans, `${subgraph}-subgraph`, (span) => span.kind === SERVER);
      expect(server).toMatchObject({
        name: 'POST /graphql',
        parentSpanId: fetch!.spanId,
        attributes: { 'bizgraph.subgraph': subgraph, 'bizgraph.request_id': response.headers['x-request-id'] },
      });

      const hop = find(spans, `${subgraph}-subgraph`, isHop);
      expect(hop!.parentSpanId).toBe(server!.spanId);
    }

    const rest = find(spans, 'crm-subgraph', isRest)!;
    expect(rest.attributes).toMatchObject({ 'http.request.method': 'GET', 'url.template': '/customers', 'http.response.status_code': 200, 'bizgraph.system': 'crm' });
    const sql = find(spans, 'erp-subgraph', isSql)!;
    expect(sql.name).toBe(`${sql.attributes['db.operation.name']} pglite`);
    // Parameterized text only: the customer id the batch looked up is not in the span.
    const customerId = (response.body.data as { customers: { nodes: Array<{ id: string }> } }).customers.nodes[0]!.id;
    // The text is cut at 300 characters: the placeholders are in it, or past the cut.
    const text = String(sql.attributes['db.query.text']);
    const cut = text.length === 301 && text.endsWith('…');
    expect(cut || /\$1/.test(text), text).toBe(true);
    expect(JSON.stringify(spans)).not.toContain(customerId);
  }, 60_000);

  it("continues the client's traceparent", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await stack.query('{ __typename }', undefined, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    expect(response.extensionsTraceId).toBe(traceId);
    const spans = await spansOf(traceId, (all) => all.some((span) => span.service === 'gateway' && span.kind === SERVER));
    expect(spans.find((span) => span.kind === SERVER)?.parentSpanId).toBe('00f067aa0ba902b7');
  });

  it('returns the trace id on errors too: extensions.traceId on a GraphQL error, the header on a 401', async () => {
    const invalid = await stack.query('{ noSuchField }');
    expect(invalid.status).toBe(400);
    expect(invalid.extensionsTraceId).toMatch(/^[0-9a-f]{32}$/);
    expect(invalid.headers['x-trace-id']).toBe(invalid.extensionsTraceId);
    const unauthenticated = await stack.query('{ __typename }', undefined, { authorization: 'Bearer not-a-token' });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers['x-trace-id']).toMatch(/^[0-9a-f]{32}$/);
  });
});
