import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../../../common/contracts/sql.js';
import { projectPath } from '../../../common/project-root.js';
import { subjectOf, type BusinessEvent } from './envelope.js';
import type { EventHandler } from './handler.js';
import { startDispatcher, type DispatcherSettings } from './http-dispatcher.js';
import { ATTEMPT_HEADER, EVENT_ID_HEADER, EVENTS_PATH, RETRY_AFTER_HEADER, SEQUENCE_HEADER, SIGNATURE_HEADER } from './http-wire.js';
import type { SubscriberUrls } from './subscribers.js';
import { silentLog, type Delivery, type EventLog, type EventTransport } from './transport.js';
import { signatureHolds } from '../signed-webhook.js';

/** Which subgraph consumes which subjects over HTTP: `{ "billing": ["erp.order.approved"], … }`. */
export type EventSubscriptions = Readonly<Record<string, readonly string[]>>;

export const SUBSCRIPTIONS_FILE = projectPath('schema/events/subscriptions.json');

export function loadSubscriptions(file: string = SUBSCRIPTIONS_FILE): EventSubscriptions {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const valid = typeof parsed === 'object' && parsed !== null && Object.values(parsed).every((v) => Array.isArray(v) && v.every((s) => typeof s === 'string'));
  if (!valid) throw new Error(`${file}: expected { "<subgraph>": ["<source>.<type>", …] }`);
  return parsed as EventSubscriptions;
}

export interface HttpTransportOptions extends DispatcherSettings {
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
  log?: EventLog;
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
