import type { FastifyInstance } from 'fastify';
import { readInt, readOptionalUrl, readSecret, type Env } from '../../../common/config.js';
import type { TransactionalQueryable } from '../../../common/contracts/sql.js';
import { readMaxDeliveries, startConsumers, type ConsumerCounts } from './consumer.js';
import type { EventHandler } from './handler.js';
import { openHttpTransport, type EventSubscriptions } from './http-transport.js';
import { openJetStreamTransport } from './jetstream.js';
import { startRelay, type RelayStats } from './relay.js';
import { readRetentionHours, startPruner, type PrunedCounts } from './retention.js';
import type { EventSchemas } from './schemas.js';
import type { SubscriberUrls } from './subscribers.js';
import { silentLog, type EventLog, type EventTransport } from './transport.js';

/** The event settings every taking-part subgraph reads, validated once at start-up. */
export interface EventsConfig {
  /** `NATS_URL` (`nats://host:4222`): JetStream. Unset: signed HTTP between the subgraphs. */
  natsUrl?: string;
  /** `EVENTS_SIGNING_SECRET`: HMAC key of `POST /events` (HTTP transport), default `dev-events-signing-secret`, refused in production unless NATS_URL is set (JetStream does not use it). */
  signingSecret: string;
  /** `EVENTS_MAX_DELIVERIES` (default 5): failed deliveries before an event is dead-lettered. */
  maxDeliveries: number;
  /** `EVENTS_RETRY_BASE_MS` (default 1000): first retry delay after a handler failed, doubled per failure. */
  retryBaseMs: number;
  /** `EVENTS_RETRY_MAX_MS` (default 60000): the retry delay's cap. */
  retryMaxMs: number;
  /** `EVENTS_ACK_WAIT_MS` (default 30000, JetStream): a delivery unacknowledged this long (its consumer died) is redelivered. */
  ackWaitMs: number;
  /** `EVENTS_RETENTION_HOURS` (default 168, at least 1): published outbox rows and delivered deliveries older than this are pruned (retention.ts). */
  retentionHours: number;
}

export function readEventsConfig(env: Env): EventsConfig {
  const natsUrl = readOptionalUrl(env, 'NATS_URL', ['nats:', 'tls:']);
  return {
    natsUrl,
    signingSecret: readSecret(env, 'EVENTS_SIGNING_SECRET', 'dev-events-signing-secret', env.NODE_ENV === 'production' && !natsUrl),
    maxDeliveries: readMaxDeliveries(env),
    retryBaseMs: readInt(env, 'EVENTS_RETRY_BASE_MS', 1000, { min: 1, max: 3_600_000 }),
    retryMaxMs: readInt(env, 'EVENTS_RETRY_MAX_MS', 60_000, { min: 1, max: 86_400_000 }),
    ackWaitMs: readInt(env, 'EVENTS_ACK_WAIT_MS', 30_000, { min: 1000, max: 3_600_000 }),
    retentionHours: readRetentionHours(env),
  };
}

export interface OpenTransportOptions {
  /** Set: JetStream at this URL. Unset: HTTP. */
  natsUrl?: string;
  /** HTTP: the HMAC key. */
  secret: string;
  /** Connection name on NATS, e.g. `erp-subgraph`. */
  name?: string;
  /** HTTP producer side: the database with the outbox and `event_deliveries`. */
  db?: TransactionalQueryable;
  /** HTTP producer side: the source it publishes as (`erp`). */
  source?: string;
  /** HTTP producer side: subscribing subgraph → base URL (subscribers.ts's `subscriberUrls(dataDir)`). */
  subscribers?: Readonly<Record<string, string>> | SubscriberUrls;
  subscriptions?: EventSubscriptions;
  /** HTTP consumer side: the app `POST /events` is added to (before it listens). */
  app?: FastifyInstance;
  /** JetStream: the stream's name (tests). */
  stream?: string;
  /** JetStream: redelivery after this long unacknowledged. */
  ackWaitMs?: number;
  /** JetStream: how long the stream keeps a message (`EVENTS_RETENTION_HOURS`); unset, no limit. */
  streamMaxAgeMs?: number;
  /** HTTP: retry delay of a failed POST, doubled per attempt, and its cap. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  log?: EventLog;
}

/** JetStream when a NATS URL is given, signed HTTP otherwise; both behind one interface. */
export function openEventTransport(options: OpenTransportOptions): EventTransport {
  const { log } = options;
  if (options.natsUrl) {
    const { natsUrl: url, name, stream, ackWaitMs, streamMaxAgeMs: maxAgeMs } = options;
    return openJetStreamTransport({ url, name, stream, ackWaitMs, maxAgeMs, log });
  }
  const { secret, db, source, subscribers, subscriptions, app, retryBaseMs, retryMaxMs } = options;
  return openHttpTransport({ secret, db, source, subscribers, subscriptions, app, retryBaseMs, retryMaxMs, log });
}

export interface StartEventsOptions {
  /** The subgraph's name (`erp`), for logs and the NATS connection name. */
  name: string;
  /** The subgraph's app, not yet listening: HTTP delivery adds `POST /events` to it. */
  app: FastifyInstance;
  /** The subgraph's database: outbox, processed_events, event_attempts, dead_letters, event_holds, event_deliveries. */
  db: TransactionalQueryable;
  config: EventsConfig;
  /** Set when the subgraph produces events (its outbox is relayed); its value is the source, e.g. `erp`. */
  producer?: string;
  /** The events it consumes; none → no consumer runs. */
  handlers?: readonly EventHandler[];
  /** HTTP, producer side: subscribing subgraph → base URL; `subscriberUrls(dataDir)` from subscribers.ts. */
  subscribers?: Readonly<Record<string, string>> | SubscriberUrls;
  /** HTTP: who consumes what; default schema/events/subscriptions.json. */
  subscriptions?: EventSubscriptions;
  schemas?: EventSchemas;
  log?: EventLog;
}

export interface EventsRuntime {
  /** Call after committing a transaction that recorded events: the relay publishes at once. */
  wake(): void;
  stats(): { relay: RelayStats | null; consumers: ConsumerCounts[] };
  /** Rows the retention pass pruned since start, per table (event-metrics.ts). */
  pruned(): PrunedCounts;
  transport: EventTransport;
  close(): Promise<void>;
}

/** A subgraph's whole event runtime: transport, outbox relay (producers), consumers (handlers). */
export async function startEvents(options: StartEventsOptions): Promise<EventsRuntime> {
  const log = options.log ?? silentLog;
  const handlers = options.handlers ?? [];
  const transport = openEventTransport({
    natsUrl: options.config.natsUrl,
    secret: options.config.signingSecret,
    name: `${options.name}-subgraph`,
    db: options.producer ? options.db : undefined,
    source: options.producer,
    subscribers: options.subscribers,
    subscriptions: options.subscriptions,
    app: handlers.length > 0 ? options.app : undefined,
    ackWaitMs: options.config.ackWaitMs,
    // The broker keeps events as long as the outbox keeps published rows: one horizon for event data.
    streamMaxAgeMs: options.config.retentionHours * 3_600_000,
    log,
  });
  const relay = options.producer ? startRelay({ db: options.db, transport, log }) : undefined;
  const consumers =
    handlers.length > 0
      ? await startConsumers({
          db: options.db,
          transport,
          handlers,
          maxDeliveries: options.config.maxDeliveries,
          retryBaseMs: options.config.retryBaseMs,
          retryMaxMs: options.config.retryMaxMs,
          schemas: options.schemas,
          log,
        })
      : undefined;
  // On the runtime's database view like the relay and consumers: background work, off the request path.
  const pruner = startPruner({ db: options.db, retentionHours: options.config.retentionHours, log });
  return {
    wake: () => relay?.wake(),
    stats: () => ({ relay: relay?.stats() ?? null, consumers: consumers?.stats() ?? [] }),
    pruned: () => pruner.pruned(),
    transport,
    async close() {
      await pruner.close();
      await consumers?.close();
      await relay?.close();
      await transport.close();
    },
  };
}
