import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { SubgraphOrigin } from '../errors.js';
import type { MinimalFetch } from './undici-fetcher.js';

const tracer = trace.getTracer('bizgraph-gateway');

/**
 * Wraps the data source's fetch: one CLIENT span per subgraph attempt (a retried fetch has one per
 * attempt), whose context travels to the subgraph as `traceparent`/`tracestate`. A fetch outside
 * any request's trace (the readiness probe) starts no trace of its own.
 */
export function traceSubgraphFetch(fetch: MinimalFetch, origin: SubgraphOrigin): MinimalFetch {
  return async (url, init = {}) => {
    const parent = context.active();
    if (!trace.getSpan(parent)) return fetch(url, init);
    const target = safeUrl(url);
    const method = init.method ?? 'GET';
    const span = tracer.startSpan(
      `${method} ${origin.subgraph}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': method,
          'bizgraph.subgraph': origin.subgraph,
          'bizgraph.system': origin.system,
          ...(target ? { 'url.full': target.href, 'server.address': target.hostname, 'server.port': Number(target.port || (target.protocol === 'https:' ? 443 : 80)) } : {}),
        },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    const headers: Record<string, string> = { ...init.headers };
    propagation.inject(active, headers);
    try {
      // Ends when the headers arrive: Apollo reads the body right after, in the parent's time.
      const response = await context.with(active, () => fetch(url, { ...init, headers }));
      span.setAttribute('http.response.status_code', response.status);
      if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      return response;
    } catch (error) {
      span.setAttribute('error.type', (error as Error)?.name ?? 'Error');
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  };
}

/** The URL without credentials, query or fragment: spans may leave the company. */
function safeUrl(url: string): URL | undefined {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed;
  } catch {
    return undefined;
  }
}
