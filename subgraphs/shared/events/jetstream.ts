import { AckPolicy, connect, DeliverPolicy, nanos, StorageType, type ConsumerConfig, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import { subjectOf, type BusinessEvent } from './envelope.js';
import type { EventHandler } from './handler.js';
import { errorMessage, silentLog, sleep, type Delivery, type EventLog, type EventSubscription, type EventTransport } from './transport.js';

/** The stream every producer publishes to (DESIGN.md); tests on their own server keep the name. */
export const EVENT_STREAM = 'BIZGRAPH_EVENTS';
/** One subject tree per producing system: `<source>.<type>`. */
export const EVENT_STREAM_SUBJECTS: readonly string[] = ['erp.>', 'billing.>', 'logistics.>'];

export interface JetStreamTransportOptions {
  /** `NATS_URL`, e.g. `nats://127.0.0.1:4222`. */
  url: string;
  /** Connection name shown by the server's monitoring, e.g. `erp-subgraph`. */
  name?: string;
  /** Default `BIZGRAPH_EVENTS`. */
  stream?: string;
  /** Broker-side duplicate window for `Nats-Msg-Id` (default 10 min: a relay restart fits in it). */
  duplicateWindowMs?: number;
  /**
   * How long the stream keeps a message (`max_age`), acknowledged or not: `EVENTS_RETENTION_HOURS`,
   * the horizon the outbox keeps published rows for. Unset: no limit. Only ever raised on an
   * existing stream (see `ensureStream`).
   */
  maxAgeMs?: number;
  /** Unacknowledged for this long (a consumer died mid-event) → redelivered. Default 30 s. */
  ackWaitMs?: number;
  /** Deliveries in flight per durable consumer. Default 256. */
  maxAckPending?: number;
  /** How long a publish waits for the stream's ack. Default 5 s. */
  publishTimeoutMs?: number;
  log?: EventLog;
}

/** How long a backlog read waits for the broker (a scrape reads it). */
const BACKLOG_TIMEOUT_MS = 2000;

/** NATS durable names allow no `.`, `*`, `>` or spaces; handler names are `<system>.<purpose>`. */
export const durableNameOf = (consumer: string): string => consumer.replace(/[.*>\s]/g, '_');

interface Connected {
  nc: NatsConnection;
  /** Server ≥ 2.10 filters a consumer on several subjects; older ones on one. */
  multiFilter: boolean;
}

export function openJetStreamTransport(options: JetStreamTransportOptions): EventTransport {
  const stream = options.stream ?? EVENT_STREAM;
  const log = options.log ?? silentLog;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  let closed = false;
  let pending: Promise<Connected> | undefined;
  // Rejects every wait for a connection once closed, so closing never hangs on a NATS that is down.
  let rejectClosed: (error: Error) => void = () => undefined;
  const closing = new Promise<never>((_resolve, reject) => (rejectClosed = reject));
  closing.catch(() => undefined);
  const subscriptions = new Set<EventSubscription>();

  // Connecting and declaring the stream are retried on use, so a subgraph starts (and serves
  // reads) while NATS is down; the relay keeps its rows until publishing works.
  const ready = (): Promise<Connected> => {
    if (closed) return Promise.reject(new Error('the JetStream transport is closed'));
    pending ??= setUp().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return Promise.race([pending, closing]);
  };

  async function setUp(): Promise<Connected> {
    // No waitOnFirstConnect: a refused first connection fails fast and the caller's loop retries.
    const nc = await connect({ servers: options.url, name: options.name, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    try {
      if (closed) throw new Error('the JetStream transport is closed');
      await ensureStream(nc, stream, { duplicateWindowMs: options.duplicateWindowMs ?? 10 * 60_000, maxAgeMs: options.maxAgeMs });
    } catch (error) {
      await nc.close().catch(() => undefined);
      throw error;
    }
    const [major = 0, minor = 0] = (nc.info?.version ?? '0.0').split('.').map(Number);
    return { nc, multiFilter: major > 2 || (major === 2 && minor >= 10) };
  }

  return {
    kind: 'jetstream',
    async publish(event: BusinessEvent) {
      const { nc } = await ready();
      // The stream drops a second publish with the same Nats-Msg-Id within the duplicate window.
      await nc.jetstream().publish(subjectOf(event), encoder.encode(JSON.stringify(event)), { msgID: event.id, timeout: options.publishTimeoutMs ?? 5000 });
    },
    async subscribe(handlers, deliver) {
      const loops = handlers.map((handler) => consumeLoop(handler, deliver));
      const subscription: EventSubscription = {
        async close() {
          subscriptions.delete(subscription);
          await Promise.all(loops.map((loop) => loop.stop()));
        },
      };
      subscriptions.add(subscription);
      return subscription;
    },
    wake: () => undefined,
    async backlog(consumers) {
      const { nc } = await ready();
      // A scrape must not wait the connection's default request timeout on a broker that stalls;
      // nor pay an account-info round trip per scrape (the stream was declared at connect).
      const jsm = await nc.jetstreamManager({ timeout: BACKLOG_TIMEOUT_MS, checkAPI: false });
      // One request per consumer, in parallel: a scrape waits one round trip, not one per consumer.
      const pending = await Promise.all(
        consumers.map(async (consumer) => {
          try {
            const info = await jsm.consumers.info(stream, durableNameOf(consumer));
            return [consumer, info.num_pending + info.num_ack_pending] as const;
          } catch (error) {
            // Not declared yet (its subgraph never started): nothing to report for it.
            if (!/not found/i.test(errorMessage(error))) throw error;
            return undefined;
          }
        }),
      );
      return new Map(pending.filter((entry) => entry !== undefined));
    },
    async close() {
      closed = true;
      rejectClosed(new Error('the JetStream transport is closed'));
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
      const connection = pending;
      pending = undefined;
      if (connection) await (await connection.catch(() => undefined))?.nc.close();
    },
  };

  /** One durable pull consumer per handler, consumed until stopped; set up again after any failure. */
  function consumeLoop(handler: EventHandler, deliver: (delivery: Delivery) => Promise<void>): { stop(): Promise<void> } {
    let stopped = false;
    let messages: ConsumerMessages | undefined;
    let onStop: () => void = () => undefined;
    const stopping = new Promise<void>((resolve) => (onStop = resolve));
    const inFlight = new Set<Promise<void>>();
    const running = (async () => {
      while (!stopped && !closed) {
        try {
          const connected = await Promise.race([ready(), stopping]);
          if (!connected) break;
          const { nc, multiFilter } = connected;
          const name = await ensureConsumer(nc, stream, handler, { multiFilter, ackWaitMs: options.ackWaitMs ?? 30_000, maxAckPending: options.maxAckPending ?? 256 });
          const consumer = await nc.jetstream().consumers.get(stream, name);
          messages = await consumer.consume({ max_messages: options.maxAckPending ?? 256 });
          if (stopped) messages.stop();
          for await (const message of messages) {
            // Not awaited: the consumer runtime orders each aggregate itself, other aggregates run on.
            const work = onMessage(message).finally(() => inFlight.delete(work));
            inFlight.add(work);
          }
        } catch (error) {
          if (!stopped && !closed) log.warn({ consumer: handler.consumer, error: errorMessage(error) }, 'JetStream consumer interrupted; resuming');
        }
        if (!stopped && !closed) await sleep(500);
      }
    })();

    async function onMessage(message: JsMsg): Promise<void> {
      // Without multi-subject filters (server < 2.10) the consumer sees the whole stream.
      if (!handler.subjects.includes(message.subject)) return message.ack();
      let event: unknown;
      try {
        event = JSON.parse(decoder.decode(message.data));
      } catch {
        event = decoder.decode(message.data);
      }
      // A delivery waiting behind its aggregate's retried event, or in a slow handler, is alive: say
      // so, or the server redelivers it after ack_wait and the copy queues up as well. A consumer
      // that died says nothing, and its deliveries come back after ack_wait.
      const keepAlive = setInterval(() => message.working(), Math.max(500, (options.ackWaitMs ?? 30_000) / 2));
      try {
        await deliver({
          event,
          subject: message.subject,
          handlers: [handler],
          messageId: message.headers?.get('Nats-Msg-Id') || undefined,
          sequence: message.seq,
          attempt: message.info.deliveryCount,
          ack: async () => {
            // Waits for the server's confirmation, so an ack lost in a reconnect shows as an error.
            await message.ackAck().catch(() => message.ack());
          },
          retry: async (delayMs) => message.nak(Math.max(0, Math.round(delayMs))),
        });
      } finally {
        clearInterval(keepAlive);
      }
    }

    return {
      async stop() {
        stopped = true;
        onStop();
        messages?.stop();
        await running;
        await Promise.allSettled([...inFlight]);
      },
    };
  }
}

/**
 * Declares the stream, or brings an existing one to this configuration: idempotent at every start.
 * Every subgraph taking part declares the same stream, each with its own `EVENTS_RETENTION_HOURS`:
 * `max_age` is only raised (an unlimited stream, as earlier versions created it, gets the limit), so
 * no subgraph cuts the horizon another one asked for and two settings do not undo each other at
 * every start. Shortening it is an operator's `nats stream edit`.
 */
async function ensureStream(nc: NatsConnection, name: string, options: { duplicateWindowMs: number; maxAgeMs?: number }): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const maxAge = options.maxAgeMs === undefined ? 0 : nanos(options.maxAgeMs);
  const config = { subjects: [...EVENT_STREAM_SUBJECTS], storage: StorageType.File, duplicate_window: nanos(options.duplicateWindowMs), max_age: maxAge };
  try {
    const info = await jsm.streams.info(name);
    const raiseAge = maxAge > info.config.max_age;
    const same = info.config.duplicate_window === config.duplicate_window && !raiseAge && EVENT_STREAM_SUBJECTS.every((subject) => info.config.subjects.includes(subject));
    if (!same) {
      const subjects = [...new Set([...info.config.subjects, ...config.subjects])];
      await jsm.streams.update(name, { ...info.config, subjects, duplicate_window: config.duplicate_window, max_age: raiseAge ? maxAge : info.config.max_age });
    }
  } catch (error) {
    if (!/not found/i.test(errorMessage(error))) throw error;
    await jsm.streams.add({ name, ...config });
  }
}

/** Declares (or updates) the handler's durable pull consumer; returns its name. */
async function ensureConsumer(
  nc: NatsConnection,
  stream: string,
  handler: EventHandler,
  options: { multiFilter: boolean; ackWaitMs: number; maxAckPending: number },
): Promise<string> {
  const jsm = await nc.jetstreamManager();
  const name = durableNameOf(handler.consumer);
  const filter: Partial<ConsumerConfig> =
    handler.subjects.length === 1 ? { filter_subject: handler.subjects[0] } : options.multiFilter ? { filter_subjects: [...handler.subjects] } : {};
  const config: Partial<ConsumerConfig> = {
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(options.ackWaitMs),
    // The consumer runtime counts failures and dead-letters; the broker must never drop a message.
    max_deliver: -1,
    max_ack_pending: options.maxAckPending,
    ...filter,
  };
  try {
    await jsm.consumers.info(stream, name);
    await jsm.consumers.update(stream, name, { ack_wait: config.ack_wait, max_ack_pending: config.max_ack_pending, max_deliver: -1, ...filter });
  } catch (error) {
    if (!/not found/i.test(errorMessage(error))) throw error;
    await jsm.consumers.add(stream, config);
  }
  return name;
}
