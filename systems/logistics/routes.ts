import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ShipmentStatus } from '../seed/types.js';
import { SHIPMENT_ID, STATUSES, type Shipment, type ShipmentStore } from './store.js';
import { readStatsQuery } from '../shared/stats-query.js';
import { STATS_GROUPINGS, shipmentStats } from './stats.js';
import type { ShipmentUpdatedEvent, WebhookSender } from './webhooks.js';

/** Batch endpoints take at most this many keys per call, like a real carrier API. */
export const MAX_BATCH_KEYS = 100;
const BATCH_PARAMS = ['ids', 'orderNumbers', 'customerIds'] as const;
const MAX_TEXT = 200;

type Query = Record<string, string | string[] | undefined>;

class ValidationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function fail(reply: FastifyReply, status: number, code: string, message: string, field?: string) {
  return reply.code(status).send({ error: { code, ...(field === undefined ? {} : { field }), message } });
}

/** Accepts `ids=a,b` and `ids=a&ids=b`. */
function readKeys(param: string, raw: string | string[]): string[] {
  const keys = [
    ...new Set(
      (Array.isArray(raw) ? raw : [raw])
        .flatMap((value) => value.split(','))
        .map((key) => key.trim())
        .filter(Boolean),
    ),
  ];
  if (keys.length === 0) throw new ValidationError(param, `${param} needs at least one value`);
  if (keys.length > MAX_BATCH_KEYS) throw new ValidationError(param, `${param} takes at most ${MAX_BATCH_KEYS} values`);
  return keys;
}

function readLimit(query: Query, fallback: number, max: number): number {
  const raw = query.limit;
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= max)) throw new ValidationError('limit', `limit must be an integer up to ${max}`);
  return value;
}

/** `after`: the id of the last shipment of the previous page (the list's keyset cursor). */
function readAfter(query: Query): string | undefined {
  const raw = query.after;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !SHIPMENT_ID.test(raw)) throw new ValidationError('after', 'after must be a shipment id such as shp_000001');
  return raw;
}

function text(body: Record<string, unknown>, field: string, required: boolean): string | null {
  const value = body[field];
  if (value === undefined || value === null) {
    if (required) throw new ValidationError(field, `${field} is required`);
    return null;
  }
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > MAX_TEXT) throw new ValidationError(field, `${field} must be 1 to ${MAX_TEXT} characters`);
  return value.trim();
}

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('body', 'expected a JSON object');
  return body as Record<string, unknown>;
}

/** `{ status, location?, at? }`: a carrier scan; `at` defaults to now. */
function parseEvent(raw: unknown): { status: ShipmentStatus; at: string; location: string | null } {
  const body = objectBody(raw);
  if (!STATUSES.includes(body.status as ShipmentStatus)) throw new ValidationError('status', `status must be one of ${STATUSES.join(', ')}`);
  let at = new Date().toISOString();
  if (body.at !== undefined) {
    const ms = typeof body.at === 'string' ? Date.parse(body.at) : NaN;
    if (!Number.isFinite(ms)) throw new ValidationError('at', 'at must be an ISO-8601 timestamp');
    at = new Date(ms).toISOString();
  }
  return { status: body.status as ShipmentStatus, at, location: text(body, 'location', false) };
}

/** `Idempotency-Key`: absent, or 1 to 200 visible ASCII characters. */
function idempotencyKey(raw: string | string[] | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(raw)) throw new ValidationError('Idempotency-Key', 'Idempotency-Key must be 1 to 200 visible ASCII characters');
  return raw;
}

/** The change webhook: what changed, with what a delivery notice needs (carrier, tracking number, when). */
const updated = (shipment: Shipment, occurredAt: string): ShipmentUpdatedEvent => ({
  event: 'shipment.updated',
  shipmentId: shipment.id,
  orderNumber: shipment.orderNumber,
  status: shipment.status,
  occurredAt,
  carrier: shipment.carrier,
  trackingNumber: shipment.trackingNumber,
  deliveredAt: shipment.deliveredAt,
});

export function registerShipmentRoutes(app: FastifyInstance, store: ShipmentStore, webhooks: WebhookSender): void {
  const guarded = <T>(reply: FastifyReply, work: () => T | Promise<T>) =>
    Promise.resolve()
      .then(work)
      .catch((error: unknown) => {
        if (error instanceof ValidationError) return fail(reply, 400, 'validation', error.message, error.field);
        throw error;
      });

  app.get('/shipments', (request, reply) =>
    guarded(reply, () => {
      const query = request.query as Query;
      const params = BATCH_PARAMS.filter((param) => query[param] !== undefined);
      if (params.length > 1) throw new ValidationError(params[1]!, `use one of ${BATCH_PARAMS.join(', ')} per call`);
      const param = params[0];
      if (param === 'ids') return { data: store.byIds(readKeys(param, query[param]!)) };
      if (param === 'orderNumbers') return { data: store.byOrderNumbers(readKeys(param, query[param]!)) };
      if (param === 'customerIds') return { data: store.byCustomerIds(readKeys(param, query[param]!)) };
      if (query.offset !== undefined) throw new ValidationError('offset', 'offset is not supported: pass after, the last id of the previous page');
      const page = store.list(readLimit(query, 50, 100), readAfter(query));
      return { data: page.shipments, hasMore: page.hasMore };
    }),
  );

  // Reporting: counts computed by the carrier over its own shipments (the static route wins over /:id).
  app.get('/shipments/stats', (request, reply) =>
    guarded(reply, () => {
      const query = request.query as Query;
      const { from, to, groupBy } = readStatsQuery(query, STATS_GROUPINGS, (field, message) => new ValidationError(field, message));
      const customerId = typeof query.customerId === 'string' ? query.customerId : undefined;
      return { data: shipmentStats(store.all(), { from, to, groupBy, customerId }) };
    }),
  );

  app.get<{ Params: { id: string } }>(
    '/shipments/:id',
    async (request, reply) => store.get(request.params.id) ?? fail(reply, 404, 'not_found', `no shipment ${request.params.id}`),
  );

  // With an Idempotency-Key, a repeated call (a client retrying after a timeout) gets the first
  // shipment back with 200 instead of a second parcel; the same key with another body is a 422.
  app.post('/shipments', (request, reply) =>
    guarded(reply, async () => {
      const key = idempotencyKey(request.headers['idempotency-key']);
      const body = objectBody(request.body);
      const input = {
        orderNumber: text(body, 'orderNumber', true)!,
        customerId: text(body, 'customerId', true)!,
        carrier: text(body, 'carrier', true)!,
        trackingNumber: text(body, 'trackingNumber', true)!,
      };
      const outcome = await store.create(input, key);
      if ('conflict' in outcome) return fail(reply, 422, 'idempotency_key_reused', `Idempotency-Key ${key} created ${outcome.conflict.id} from another body`, 'Idempotency-Key');
      return reply.code(outcome.created ? 201 : 200).send(outcome.shipment);
    }),
  );

  // The shipper withdraws a parcel the carrier has not picked up; once it has, 409.
  app.post<{ Params: { id: string } }>('/shipments/:id/cancel', async (request, reply) => {
    const outcome = await store.cancel(request.params.id);
    if (!outcome) return fail(reply, 404, 'not_found', `no shipment ${request.params.id}`);
    if ('shipped' in outcome) return fail(reply, 409, 'already_shipped', `shipment ${outcome.shipped.id} is ${outcome.shipped.status}: too late to cancel`);
    const shipment = outcome.cancelled;
    webhooks.send(updated(shipment, shipment.events.at(-1)!.at));
    return shipment;
  });

  // The carrier's status update: recorded, then announced to the subgraph (cache refresh).
  app.post<{ Params: { id: string } }>('/shipments/:id/events', (request, reply) =>
    guarded(reply, async () => {
      const event = parseEvent(request.body);
      const shipment = await store.addEvent(request.params.id, event);
      if (!shipment) return fail(reply, 404, 'not_found', `no shipment ${request.params.id}`);
      if (shipment === 'cancelled') return fail(reply, 409, 'cancelled', `shipment ${request.params.id} is cancelled`);
      webhooks.send(updated(shipment, event.at));
      return shipment;
    }),
  );
}
