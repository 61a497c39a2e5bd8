import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/**
 * `POST /webhooks/crm`: the CRM's change webhook (`customer.updated`), so a change made directly in
 * the CRM (by another app) reaches every replica's cache at once instead of after its TTL.
 *
 * The CRM calls it, not the gateway, so it is not behind the internal token; `x-crm-signature`
 * (`sha256=<hex HMAC-SHA256 of the exact body bytes>`, key `CRM_WEBHOOK_SECRET`) authenticates it.
 * A replayed event can only invalidate an entry again, which costs one CRM call.
 */
export interface CrmWebhookOptions {
  secret: string;
  /** Invalidates what is cached about the customer. */
  customerChanged(id: string): Promise<void>;
}

export interface CrmWebhookCounters {
  crmWebhooksAccepted: number;
  crmWebhooksRejected: number;
}

export interface CrmWebhook {
  counters(): CrmWebhookCounters;
  resetCounters(): void;
}

export const WEBHOOK_PATH = '/webhooks/crm';
const BODY_LIMIT = 64 * 1024;
const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** Timing-safe: compares the HMAC digests' bytes, whose length never depends on the input. */
function signatureHolds(header: unknown, body: Buffer, secret: string): boolean {
  const match = typeof header === 'string' ? SIGNATURE.exec(header) : null;
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(match[1]!, 'hex'), expected);
}

function changedCustomer(body: Buffer): { id: string } | 'ignored' | 'invalid' {
  let event: unknown;
  try {
    event = JSON.parse(body.toString('utf8'));
  } catch {
    return 'invalid';
  }
  if (typeof event !== 'object' || event === null) return 'invalid';
  const { event: name, customerId } = event as { event?: unknown; customerId?: unknown };
  // Events this subgraph does not know are acknowledged, so the CRM does not retry them.
  if (name !== 'customer.updated') return 'ignored';
  if (typeof customerId !== 'string' || customerId.length === 0 || customerId.length > 200) return 'invalid';
  return { id: customerId };
}

export function registerCrmWebhook(app: FastifyInstance, options: CrmWebhookOptions): CrmWebhook {
  let counters: CrmWebhookCounters = { crmWebhooksAccepted: 0, crmWebhooksRejected: 0 };
  // Its own encapsulated scope: the raw-body parser applies to this route only, /graphql keeps JSON.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));
    scope.post(WEBHOOK_PATH, async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!signatureHolds(request.headers['x-crm-signature'], body, options.secret)) {
        counters.crmWebhooksRejected++;
        return reply.code(401).send({ error: { code: 'invalid_signature', message: 'x-crm-signature does not match the body' } });
      }
      const change = changedCustomer(body);
      if (change === 'invalid') {
        counters.crmWebhooksRejected++;
        return reply.code(400).send({ error: { code: 'invalid_event', message: 'expected a customer.updated event with customerId' } });
      }
      counters.crmWebhooksAccepted++;
      if (change === 'ignored') return reply.code(202).send({ ignored: true });
      await options.customerChanged(change.id);
      return { invalidated: change.id };
    });
  });
  return {
    counters: () => ({ ...counters }),
    resetCounters: () => void (counters = { crmWebhooksAccepted: 0, crmWebhooksRejected: 0 }),
  };
}
