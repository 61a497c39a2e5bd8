import { randomBytes } from 'node:crypto';
import { context, propagation } from '@opentelemetry/api';

/**
 * A business event as every producer writes it to its outbox and every transport carries it: the
 * contract between the systems (issue 17). The payload's shape is documented per type and version
 * in `schema/events/<type>.v<version>.json` and checked by `validateEvent` (schemas.ts).
 */
export interface BusinessEvent<Payload extends Record<string, unknown> = Record<string, unknown>> {
  /** UUID v7: unique, and sortable by when it was made. Consumers are idempotent by it. */
  id: string;
  /** e.g. `order.approved`. */
  type: string;
  /** The payload schema's version: a breaking change is a new version, never an edit. */
  version: number;
  /** The producing system, as named in `schema/owners.yaml` (`erp`, `billing`, `logistics`). */
  source: string;
  /** What changed: its type and key (`Order` / `SO-100001`). Events of one aggregate keep their order. */
  aggregate: { type: string; key: string };
  /** ISO 8601, when the change was committed's transaction ran. */
  occurredAt: string;
  /** W3C `traceparent` of the request that caused it, so one trace spans the flow; null when none. */
  traceparent: string | null;
  payload: Payload;
}

/** The broker subject of an event: `<source>.<type>`, e.g. `erp.order.approved`. */
export const subjectOf = (event: Pick<BusinessEvent, 'source' | 'type'>): string => `${event.source}.${event.type}`;

/**
 * UUID v7 (RFC 9562): 48 bits of Unix milliseconds, version 7, 74 random bits. Node 20's crypto has
 * no v7; this is the layout, nothing more.
 */
export function uuidv7(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The active OpenTelemetry context's `traceparent` (a subgraph request's SERVER span), or null. */
export function activeTraceparent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}
