import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { Agent, request } from 'undici';
import type { Queryable } from '../../../common/contracts/sql.js';
import { projectPath } from '../../../common/project-root.js';
import { subjectOf, type BusinessEvent } from './envelope.js';
import type { EventHandler } from './handler.js';
import { eventFromRow } from './outbox.js';
import type { SubscriberUrls } from './subscribers.js';
import { backoffMs, errorMessage, silentLog, type Delivery, type EventLog, type EventTransport } from './transport.js';
import { signatureHolds } from '../signed-webhook.js';

/** Which subgraph consumes which subjects over HTTP: `{ "billing": ["erp.order.approved"], … }`. */
export type EventSubscriptions = Readonly<Record<string, readonly string[]>>;

export const SUBSCRIPTIONS_FILE = projectPath('schema/events/subscriptions.json');
export const SIGNATURE_HEADER = 'x-bizgraph-event-signature';
export const EVENT_ID_HEADER = 'x-bizgraph-event-id';
export const ATTEMPT_HEADER = 'x-bizgraph-event-attempt';
/** The event's outbox `seq` at the producer: its order among the aggregate's events. */
export const SEQUENCE_HEADER = 'x-bizgraph-event-seq';
/** A consumer's answer to "try again later": how long, in ms. */
export const RETRY_AFTER_HEADER = 'retry-after-ms';
export const EVENTS_PATH = '/events';

export function loadSubscriptions(file: string = SUBSCRIPTIONS_FILE): EventSubscriptions {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const valid = typeof parsed === 'object' && parsed !== null && Object.values(parsed).every((v) => Array.isArray(v) && v.every((s) => typeof s === 'string'));
  if (!valid) throw new Error(`${file}: expected { "<subgraph>": ["<source>.<type>", …] }`);
  return parsed as EventSubscriptions;
}

/** `sha256=<hex HMAC-SHA256 of the exact body>`, as subgraphs/shared/signed-webhook.ts checks. */
export const signBody = (body: string | Buffer, secret: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export interface HttpTransportOptions {
  /** `EVENTS_SIGNING_SECRET`: the HMAC key shared by every subgraph. */
  secret: string;
  /** Producer side: the database holding `outbox` and `event_deliveries`. Unset: this subgraph only consumes. */
  db?: Queryable;
  /** Producer side: the source it publishes as (`erp`); only subscribers of its subjects get a dispatcher. Unset: all. */
  source?: string;
  /**
   * Producer side: base URL of each subscribing subgraph (`http://127.0.0.1:4003`), fixed or looked
   * up before each round (subscribers.ts); a subscriber without one yet keeps its rows waiting.
   */
  subscribers?: Readonly<Record<string, string>> | SubscriberUrls;
  /** Default: schema/events/subscriptions.json. */
  subscriptions?: EventSubscriptions;
  /** Consumer side: the subgraph's Fastify app, before it listens; `POST /events` is added to it. */
  app?: FastifyInstance;
  /** Requests in flight per subscriber (across aggregates; one per aggregate). Default 16. */
  concurrency?: number;
  /** Re-reads pending deliveries this often besides wake-ups. Default 1 s. */
  pollIntervalMs?: number;
  /**
   * Retry delay after a POST that got no answer (subscriber down), doubled per attempt (default
   * 500 ms), and its cap (default 10 s: a subscriber back up is served soon). A consumer's own
   * "retry later" (`retry-after-ms`, its handler's backoff) is followed as given.
   */
  retryBaseMs?: number;
  retryMaxMs?: number;
  requestTimeoutMs?: number;
  log?: EventLog;
}

interface DeliveryRow {
  subscriber: string;
  attempts: number;
  seq: number;
  id: string;
  type: string;
  version: number;
  source: string;
  aggregate_type: string;
  aggregate_key: string;
  occurred_at: Date | string;
  traceparent: string | null;
  payload: Record<string, unknown>;
}

type Deliver = (delivery: Delivery) => Promise<void>;

export function openHttpTransport(options: HttpTransportOptions): EventTransport {
  const subscriptions = options.subscriptions ?? loadSubscriptions();
  const log = options.log ?? silentLog;
  const receiver: { handlers: readonly EventHandler[]; deliver?: Deliver } = { handlers: [] };
  if (options.app) registerEventsRoute(options.app, options.secret, receiver);
  const subscribers = options.subscribers ?? {};
  const urlOf: SubscriberUrls = typeof subscribers === 'function' ? subscribers : (name) => subscribers[name];
  const db = options.db;
  const receives = (name: string) => options.source === undefined || subscriptions[name]!.some((subject) => subject.startsWith(`${options.source}.`));
  const dispatchers = db
    ? Object.keys(subscriptions)
        .filter(receives)
        .map((name) => startDispatcher(db, name, urlOf, options, log))
    : [];
  return {
    kind: 'http',
    async publish(event: BusinessEvent) {
      if (!options.db) throw new Error('this HTTP event transport has no producer database');
      const subject = subjectOf(event);
      const targets = Object.keys(subscriptions).filter((name) => subscriptions[name]!.includes(subject));
      if (targets.length === 0) return;
      // Durable once these rows exist; a second publish of the same event adds none.
      await options.db.query(
        `INSERT INTO event_deliveries (subscriber, event_id, seq, aggregate_type, aggregate_key)
         SELECT s, o.id, o.seq, o.aggregate_type, o.aggregate_key FROM outbox o CROSS JOIN unnest($2::text[]) AS s WHERE o.id = $1
         ON CONFLICT (subscriber, event_id) DO NOTHING`,
        [event.id, targets],
      );
      for (const dispatcher of dispatchers) if (targets.includes(dispatcher.name)) dispatcher.wake();
    },
    async subscribe(handlers, deliver) {
      receiver.handlers = handlers;
      receiver.deliver = deliver;
      return {
        async close() {
          receiver.deliver = undefined;
          receiver.handlers = [];
        },
      };
    },
    wake: () => dispatchers.forEach((dispatcher) => dispatcher.wake()),
    async close() {
      receiver.deliver = undefined;
      await Promise.all(dispatchers.map((dispatcher) => dispatcher.close()));
    },
  };
}

/**
 * Consumer side: `POST /events`, signed like the webhooks. 200 once every matching handler is done
 * with the event (applied, a duplicate, or dead-lettered); 503 with `retry-after-ms` to be sent
 * again later; 401 for a bad signature.
 */
function registerEventsRoute(app: FastifyInstance, secret: string, receiver: { handlers: readonly EventHandler[]; deliver?: Deliver }): void {
  // Its own encapsulated scope: the raw-body parser applies to this route only, /graphql keeps JSON.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_request, body, done) => done(null, body));
    scope.post(EVENTS_PATH, async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!signatureHolds(request.headers[SIGNATURE_HEADER], body, secret)) {
        return reply.code(401).send({ error: { code: 'invalid_signature', message: `${SIGNATURE_HEADER} does not match the body` } });
      }
      const deliver = receiver.deliver;
      if (!deliver) return reply.code(503).header(RETRY_AFTER_HEADER, '1000').send({ status: 'not-subscribed-yet' });
      let event: unknown;
      try {
        event = JSON.parse(body.toString('utf8'));
      } catch {
        event = body.toString('utf8');
      }
      const { source, type } = (typeof event === 'object' && event !== null ? event : {}) as Partial<BusinessEvent>;
      const subject = `${String(source)}.${String(type)}`;
      const readable = typeof event === 'object' && event !== null && typeof source === 'string' && typeof type === 'string';
      // An unreadable event goes to every handler, whose schema check dead-letters it with a log line.
      const matching = readable ? receiver.handlers.filter((handler) => handler.subjects.includes(subject)) : receiver.handlers;
      if (matching.length === 0) return { status: 'ignored' };
      let settled: { ack: true } | { ack: false; delayMs: number } = { ack: false, delayMs: 1000 };
      const attempt = Number(request.headers[ATTEMPT_HEADER]);
      const sequence = Number(request.headers[SEQUENCE_HEADER]);
      const messageId = request.headers[EVENT_ID_HEADER];
      await deliver({
        event,
        subject,
        handlers: matching,
        messageId: typeof messageId === 'string' ? messageId : undefined,
        sequence: Number.isSafeInteger(sequence) && sequence > 0 ? sequence : 0,
        attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 1,
        ack: async () => void (settled = { ack: true }),
        retry: async (delayMs) => void (settled = { ack: false, delayMs }),
      });
      if (settled.ack) return { status: 'done' };
      return reply
        .code(503)
        .header(RETRY_AFTER_HEADER, String(Math.round(settled.delayMs)))
        .send({ status: 'retry' });
    });
  });
}

/**
 * Producer side, one per subscriber: POSTs its pending deliveries in `seq` order, several aggregates
 * at once but never an aggregate's event before its earlier one is delivered (the query only picks
 * the oldest undelivered event of each aggregate). A subscriber that is down holds only its rows.
 */
function startDispatcher(db: Queryable, name: string, urlOf: SubscriberUrls, options: HttpTransportOptions, log: EventLog) {
  const agent = new Agent({ keepAliveTimeout: 10_000, connect: { timeout: options.requestTimeoutMs ?? 10_000 } });
  const concurrency = options.concurrency ?? 16;
  const inFlight = new Map<string, Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  let woken = true;
  let waiting: (() => void) | undefined;
  const wake = () => {
    woken = true;
    waiting?.();
  };

  async function send(url: string, row: DeliveryRow): Promise<void> {
    const { seq, ...event } = eventFromRow(row);
    const body = JSON.stringify(event);
    const attempt = row.attempts + 1;
    let failure: { error: string; delayMs?: number } | undefined;
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: agent,
        body,
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signBody(body, options.secret),
          [EVENT_ID_HEADER]: event.id,
          [SEQUENCE_HEADER]: String(seq),
          [ATTEMPT_HEADER]: String(attempt),
        },
        headersTimeout: options.requestTimeoutMs ?? 30_000,
        bodyTimeout: options.requestTimeoutMs ?? 30_000,
      });
      const text = await response.body.text();
      if (response.statusCode >= 300) {
        const asked = Number(response.headers[RETRY_AFTER_HEADER]);
        failure = { error: `HTTP ${response.statusCode}: ${text.slice(0, 200)}`, delayMs: Number.isFinite(asked) && asked >= 0 ? asked : undefined };
      }
    } catch (error) {
      failure = { error: errorMessage(error) };
    }
    if (!failure) {
      await db.query('UPDATE event_deliveries SET delivered_at = now(), attempts = $3, last_error = NULL WHERE subscriber = $1 AND event_id = $2', [name, event.id, attempt]);
      return;
    }
    const delayMs = failure.delayMs ?? backoffMs(attempt, options.retryBaseMs ?? 500, options.retryMaxMs ?? 10_000);
    await db.query(`UPDATE event_deliveries SET attempts = $3, last_error = $4, next_attempt_at = now() + $5 * interval '1 millisecond' WHERE subscriber = $1 AND event_id = $2`, [
      name,
      event.id,
      attempt,
      failure.error,
      delayMs,
    ]);
    if (attempt === 1 || attempt % 10 === 0) log.warn({ subscriber: name, eventId: event.id, attempt, delayMs, error: failure.error }, 'event delivery failed; retrying later');
    const timer = setTimeout(() => (timers.delete(timer), wake()), delayMs + 5);
    timers.add(timer);
  }

  async function round(): Promise<void> {
    woken = false;
    const free = concurrency - inFlight.size;
    const baseUrl = urlOf(name);
    if (free <= 0 || baseUrl === undefined) return;
    const url = new URL(EVENTS_PATH, baseUrl).toString();
    const { rows } = await db.query<DeliveryRow>(
      `SELECT d.subscriber, d.attempts, o.seq, o.id, o.type, o.version, o.source, o.aggregate_type, o.aggregate_key, o.occurred_at, o.traceparent, o.payload
         FROM event_deliveries d JOIN outbox o ON o.id = d.event_id
        WHERE d.subscriber = $1 AND d.delivered_at IS NULL AND d.next_attempt_at <= now() AND NOT (d.event_id = ANY($2::uuid[]))
          AND NOT EXISTS (SELECT 1 FROM event_deliveries e WHERE e.subscriber = d.subscriber AND e.delivered_at IS NULL
                          AND e.aggregate_type = d.aggregate_type AND e.aggregate_key = d.aggregate_key AND e.seq < d.seq)
        ORDER BY d.seq LIMIT $3`,
      [name, [...inFlight.keys()], free],
    );
    for (const row of rows) {
      const work = send(url, row)
        .catch((error: unknown) => log.error({ subscriber: name, eventId: row.id, error: errorMessage(error) }, 'event delivery state could not be saved'))
        .finally(() => {
          inFlight.delete(row.id);
          wake();
        });
      inFlight.set(row.id, work);
    }
  }

  const running = (async () => {
    while (!closed) {
      await round().catch((error: unknown) => log.error({ subscriber: name, error: errorMessage(error) }, 'event deliveries could not be read'));
      if (closed) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, options.pollIntervalMs ?? 1000);
        function done() {
          clearTimeout(timer);
          waiting = undefined;
          resolve();
        }
        waiting = done;
        if (woken) done();
      });
    }
  })();

  return {
    name,
    wake,
    async close() {
      closed = true;
      waiting?.();
      timers.forEach((timer) => clearTimeout(timer));
      await running;
      await Promise.allSettled([...inFlight.values()]);
      await agent.close();
    },
  };
}
