import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/**
 * `POST /webhooks/logistics`: the logistics system's change webhook (`shipment.updated`, sent after
 * a carrier status update), so every replica's entity cache drops the shipment at once instead of
 * after its TTL.
 *
 * The system calls it, not the gateway, so it is not behind the internal token;
 * `x-logistics-signature` (`sha256=<hex HMAC-SHA256 of the exact body bytes>`, key
 * `LOGISTICS_WEBHOOK_SECRET`) authenticates it. A replayed event only invalidates an entry again.
 */
export interface LogisticsWebhookOptions {
  secret: string;
  /** Invalidates what is cached about the shipment and its order's list. */
  shipmentChanged(id: string, orderNumber: string | null): Promise<void>;
}

export interface LogisticsWebhookCounters {
  logisticsWebhooksAccepted: number;
  logisticsWebhooksRejected: number;
}

export const WEBHOOK_PATH = '/webhooks/logistics';
const BODY_LIMIT = 64 * 1024;
const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** Timing-safe: compares the HMAC digests' bytes, whose length never depends on the input. */
function signatureHolds(header: unknown, body: Buffer, secret: string): boolean {
  const match = typeof header === 'string' ? SIGNATURE.exec(header) : null;
  if (!match) return false;
  return timingSafeEqual(Buffer.from(match[1]!, 'hex'), createHmac('sha256', secret).update(body).digest());
}

const validKey = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= 200;

function changedShipment(body: Buffer): { id: string; orderNumber: string | null } | 'ignored' | 'invalid' {
  let event: unknown;
  try {
    event = JSON.parse(body.toString('utf8'));
  } catch {
    return 'invalid';
  }
  if (typeof event !== 'object' || event === null) return 'invalid';
  const { event: name, shipmentId, orderNumber } = event as { event?: unknown; shipmentId?: unknown; orderNumber?: unknown };
  // Events this subgraph does not know are acknowledged, so the system does not retry them.
  if (name !== 'shipment.updated') return 'ignored';
  if (!validKey(shipmentId) || (orderNumber !== undefined && !validKey(orderNumber))) return 'invalid';
  return { id: shipmentId, orderNumber: orderNumber ?? null };
}

export function registerLogisticsWebhook(app: FastifyInstance, options: LogisticsWebhookOptions) {
  let counters: LogisticsWebhookCounters = { logisticsWebhooksAccepted: 0, logisticsWebhooksRejected: 0 };
  // Its own encapsulated scope: the raw-body parser applies to this route only, /graphql keeps JSON.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));
    scope.post(WEBHOOK_PATH, async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!signatureHolds(request.headers['x-logistics-signature'], body, options.secret)) {
        counters.logisticsWebhooksRejected++;
        return reply.code(401).send({ error: { code: 'invalid_signature', message: 'x-logistics-signature does not match the body' } });
      }
      const change = changedShipment(body);
      if (change === 'invalid') {
        counters.logisticsWebhooksRejected++;
        return reply.code(400).send({ error: { code: 'invalid_event', message: 'expected a shipment.updated event with shipmentId' } });
      }
      counters.logisticsWebhooksAccepted++;
      if (change === 'ignored') return reply.code(202).send({ ignored: true });
      await options.shipmentChanged(change.id, change.orderNumber);
      return { invalidated: change.id };
    });
  });
  return {
    counters: () => ({ ...counters }),
    resetCounters: () => void (counters = { logisticsWebhooksAccepted: 0, logisticsWebhooksRejected: 0 }),
  };
}
