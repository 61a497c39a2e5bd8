import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/**
 * A business system's signed change webhook (`POST <path>`), so a change made in the system reaches
 * every replica's entity cache at once instead of after its TTL.
 *
 * The system calls it, not the gateway, so it is not behind the internal token; the signature
 * header (`sha256=<hex HMAC-SHA256 of the exact body bytes>`) authenticates it. A replayed event can
 * only invalidate an entry again, which costs one call to the system.
 *
 * Answers: 401 `invalid_signature`, 400 `invalid_event`, 202 `{ ignored: true }` for events of
 * another kind (acknowledged, so the system does not retry them), else `{ invalidated: id }`.
 */
export interface SignedWebhookOptions<Event extends { id: string }, Accepted extends string, Rejected extends string> {
  /** The route, e.g. `/webhooks/crm`. */
  path: string;
  /** Lower-case header carrying the signature, e.g. `x-crm-signature`. */
  signatureHeader: string;
  /** HMAC key shared with the system. */
  secret: string;
  /** Reads the change from the body's JSON object; `'ignored'` for events this subgraph does not know. */
  parseEvent(body: Record<string, unknown>): Event | 'ignored' | 'invalid';
  /** The 400 answer's message: which event and fields were expected. */
  invalidMessage: string;
  /** Drops what the change made stale. */
  onEvent(event: Event): Promise<void>;
  /** Counter keys as exported in `/debug/counters` and as metrics, e.g. `crmWebhooksAccepted`. */
  counterNames: { accepted: Accepted; rejected: Rejected };
}

export interface SignedWebhook<Counters> {
  counters(): Counters;
  resetCounters(): void;
}

const BODY_LIMIT = 64 * 1024;
const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** An id or key in an event: a non-empty string of at most 200 characters. */
export const isEventKey = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= 200;

/** Timing-safe: compares the HMAC digests' bytes, whose length never depends on the input. Also checks business events' `POST /events` (events/http-transport.ts). */
export function signatureHolds(header: unknown, body: Buffer, secret: string): boolean {
  const match = typeof header === 'string' ? SIGNATURE.exec(header) : null;
  if (!match) return false;
  return timingSafeEqual(Buffer.from(match[1]!, 'hex'), createHmac('sha256', secret).update(body).digest());
}

function jsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function registerSignedWebhook<Event extends { id: string }, Accepted extends string, Rejected extends string>(
  app: FastifyInstance,
  options: SignedWebhookOptions<Event, Accepted, Rejected>,
): SignedWebhook<Record<Accepted | Rejected, number>> {
  const { accepted, rejected } = options.counterNames;
  const zero = () => ({ [accepted]: 0, [rejected]: 0 }) as Record<Accepted | Rejected, number>;
  let counters = zero();
  // Its own encapsulated scope: the raw-body parser applies to this route only, /graphql keeps JSON.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));
    scope.post(options.path, async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!signatureHolds(request.headers[options.signatureHeader], body, options.secret)) {
        counters[rejected]++;
        return reply.code(401).send({ error: { code: 'invalid_signature', message: `${options.signatureHeader} does not match the body` } });
      }
      const object = jsonObject(body);
      const change = object === undefined ? 'invalid' : options.parseEvent(object);
      if (change === 'invalid') {
        counters[rejected]++;
        return reply.code(400).send({ error: { code: 'invalid_event', message: options.invalidMessage } });
      }
      counters[accepted]++;
      if (change === 'ignored') return reply.code(202).send({ ignored: true });
      await options.onEvent(change);
      return { invalidated: change.id };
    });
  });
  return {
    counters: () => ({ ...counters }),
    resetCounters: () => void (counters = zero()),
  };
}
