import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { SubgraphOrigin } from '../errors.js';
import type { MinimalFetch } from './undici-fetcher.js';

const tracer = trace.getTracer('bizgraph-gateway');

/**
 * Wraps the data source's fetch for one call made while spans are exported: one CLIENT span per
 * attempt (a retried fetch has one per attempt) under the request's span `parent`, whose context
 * travels to the subgraph as `traceparent`/`tracestate`. The parent is passed, not looked up in an
 * active context: the gateway keeps no AsyncLocalStorage context (`features/tracing/`).
 */
export function traceSubgraphFetch(fetch: MinimalFetch, origin: SubgraphOrigin, parent: Span): MinimalFetch {
  return async (url, init = {}) => {
    const target = safeUrl(url);
    const method = init.method ?? 'GET';
    const parentContext = trace.setSpan(ROOT_CONTEXT, parent);
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
      parentContext,
    );
    const headers: Record<string, string> = { ...init.headers };
    propagation.inject(trace.setSpan(parentContext, span), headers);
    try {
      // Ends when the headers arrive: the body is read right after, in the request's time.
      const response = await fetch(url, { ...init, headers });
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
