import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { traceRestCall, traceStatement } from './tracing.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
afterAll(() => provider.shutdown());
beforeEach(() => exporter.reset());

/** Runs `work` inside a request span, as the subgraph's server span does. */
function inRequest<T>(work: () => Promise<T>): Promise<T> {
  const span = trace.getTracer('test').startSpan('POST /graphql');
  return context.with(trace.setSpan(context.active(), span), work).finally(() => span.end());
}

describe('system hop spans', () => {
  it('names a REST call by its route template, sends traceparent, and records neither ids nor the query string', async () => {
    let sent: Record<string, string> = {};
    await inRequest(() =>
      traceRestCall('crm', 'PATCH', new URL('http://crm.internal:4101/customers/cus_0042?email=ada%40example.com'), async (headers) => {
        sent = headers;
        return { statusCode: 200 };
      }),
    );
    const [hop, request] = exporter.getFinishedSpans();
    expect(hop!.name).toBe('PATCH /customers/{id}');
    expect(hop!.parentSpanContext?.spanId).toBe(request!.spanContext().spanId);
    expect(hop!.attributes).toEqual({
      'http.request.method': 'PATCH',
      'url.template': '/customers/{id}',
      'server.address': 'crm.internal',
      'server.port': 4101,
      'bizgraph.system': 'crm',
      'http.response.status_code': 200,
    });
    expect(sent).toEqual({ traceparent: `00-${hop!.spanContext().traceId}-${hop!.spanContext().spanId}-01` });
  });

  it('records a statement as collapsed, truncated text without its parameters', async () => {
    const text = `SELECT o.order_id
      FROM orders o WHERE o.cust_ref = ANY($1::text[]) ${'AND TRUE '.repeat(60)}`;
    await inRequest(() => traceStatement('postgres', text, async () => ({ rows: [] })));
    const [statement] = exporter.getFinishedSpans();
    expect(statement!.name).toBe('SELECT postgresql');
    expect(statement!.attributes['db.system.name']).toBe('postgresql');
    const recorded = String(statement!.attributes['db.query.text']);
    expect(recorded.startsWith('SELECT o.order_id FROM orders o WHERE o.cust_ref = ANY($1::text[]) AND TRUE')).toBe(true);
    expect(recorded).toHaveLength(301);
  });

  it('starts no span outside a request (start-up statements, health checks)', async () => {
    await traceStatement('pglite', 'CREATE TABLE t (id int)', async () => undefined);
    await traceRestCall('crm', 'GET', new URL('http://crm.internal/healthz'), async (headers) => ({ statusCode: Object.keys(headers).length === 0 ? 200 : 500 }));
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
