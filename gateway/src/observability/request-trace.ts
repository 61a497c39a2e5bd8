import { randomFillSync } from 'node:crypto';
import { createTraceState, ROOT_CONTEXT, SpanKind, trace, TraceFlags, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { endServerSpan } from '../../../common/request-span.js';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The trace of one `/graphql` request, carried in the request's context instead of an
 * AsyncLocalStorage context: the gateway passes it to whatever needs it (subgraph fetches, logs,
 * the answer's `extensions.traceId`), so no promise of the process pays for a context hook.
 */
export interface RequestTrace {
  traceId: string;
  /** This request's span id: the parent of the subgraph calls' spans. */
  spanId: string;
  /** W3C trace flags (1 = sampled), continued from the caller's `traceparent`. */
  flags: number;
  /** The caller's `tracestate`, passed on unchanged. */
  traceState?: string;
  /** The request's SERVER span, only when spans are exported; without an exporter nothing records. */
  span?: Span;
}

/**
 * Starts the trace of a request, continuing the caller's `traceparent` (and `tracestate`) when it
 * is valid. With a tracer (an OTLP exporter is configured) the SERVER span is started under that
 * parent, and the sampler decides; without one only ids are made: a new trace id when the caller
 * sent none, and a span id, so `traceparent` still travels to every subgraph.
 */
export function startRequestTrace(headers: IncomingHttpHeaders, name: string, attributes: Attributes, tracer: Tracer | undefined): RequestTrace {
  const header = headers.traceparent;
  const parent = typeof header === 'string' ? parseTraceParent(header) : null;
  const traceState = typeof headers.tracestate === 'string' && parent ? headers.tracestate : undefined;
  if (tracer) {
    const parentContext = parent
      ? trace.setSpanContext(ROOT_CONTEXT, { ...parent, isRemote: true, ...(traceState ? { traceState: createTraceState(traceState) } : {}) })
      : ROOT_CONTEXT;
    const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parentContext);
    const { traceId, spanId, traceFlags } = span.spanContext();
    return { traceId, spanId, flags: traceFlags, traceState, span };
  }
  const ids = randomIds();
  // A new trace is sampled, as the SDK's default `parentbased_always_on` sampler would decide.
  return { traceId: parent?.traceId ?? ids.slice(0, 32), spanId: ids.slice(32), flags: parent?.traceFlags ?? TraceFlags.SAMPLED, traceState };
}

/** Random bytes for 256 requests' ids at a time: one `randomBytes` call per request cost more than the rest of its trace. */
const ID_BYTES = 24;
const pool = Buffer.alloc(ID_BYTES * 256);
let poolOffset = pool.length;

/** 48 hex digits: a trace id (32) and a span id (16), never all zeros (W3C's invalid id). */
function randomIds(): string {
  for (;;) {
    if (poolOffset === pool.length) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    const ids = pool.toString('hex', poolOffset, (poolOffset += ID_BYTES));
    if (!/^0{32}|0{16}$/.test(ids)) return ids;
  }
}

/** W3C `traceparent`: version, trace id, parent span id, flags; a future version may append fields. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The caller's trace context, or null when the header is not a valid one (W3C's rules). */
function parseTraceParent(header: string): { traceId: string; spanId: string; traceFlags: number } | null {
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return null;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return null;
  return { traceId, spanId, traceFlags: parseInt(flags, 16) };
}

/** The `traceparent` a subgraph call carries when no span of its own was started for it. */
export function traceparentOf(requestTrace: RequestTrace): string {
  return `00-${requestTrace.traceId}-${requestTrace.spanId}-${requestTrace.flags.toString(16).padStart(2, '0')}`;
}

/** Ends the request's span (if one records) with the answer's status, or as aborted. */
export function endRequestTrace(requestTrace: RequestTrace, statusCode: number | undefined): void {
  if (requestTrace.span) endServerSpan(requestTrace.span, statusCode);
}
