import type { BusinessEvent } from './envelope.js';
import type { EventHandler } from './handler.js';

/**
 * The one seam between the event runtime (relay.ts, consumer.ts) and a broker: NATS JetStream
 * (jetstream.ts) or signed HTTP between the subgraphs (http-transport.ts). Both give at-least-once
 * delivery; the consumer runtime makes it exactly-once in effect (processed_events), so a transport
 * may deliver twice but never lose.
 */
export interface EventTransport {
  readonly kind: 'jetstream' | 'http';
  /**
   * Resolves only once the event is durably accepted (JetStream: the stream's ack; HTTP: a delivery
   * row per subscriber in the producer's database); rejects otherwise, and the relay publishes it
   * again. Publishing an event twice is harmless: both transports drop duplicates by `event.id`.
   */
  publish(event: BusinessEvent): Promise<void>;
  /**
   * Starts delivering the events `handlers` subscribe to into `deliver`, until the returned
   * subscription is closed. `deliver` settles each delivery with `ack` or `retry`.
   */
  subscribe(handlers: readonly EventHandler[], deliver: (delivery: Delivery) => Promise<void>): Promise<EventSubscription>;
  /** Wakes the transport's own senders (HTTP: the per-subscriber dispatchers); a no-op on JetStream. */
  wake(): void;
  /**
   * JetStream: per consumer, the events in the stream it has not acknowledged yet (not delivered,
   * or delivered and in flight), as the broker counts them; consumers not declared yet are left
   * out. HTTP has none: the producer counts undelivered events (`event_deliveries`).
   */
  backlog?(consumers: readonly string[]): Promise<Map<string, number>>;
  close(): Promise<void>;
}

export interface Delivery {
  /** The body as received, not yet validated: the consumer checks it against the schemas first. */
  readonly event: unknown;
  /** The subject it came on (`<source>.<type>`). */
  readonly subject: string;
  /** The event id the transport carried beside the body (`Nats-Msg-Id`): keys a dead letter whose body is unreadable. */
  readonly messageId?: string;
  /** The handlers it is for: one on JetStream (a durable consumer each), every match over HTTP. */
  readonly handlers: readonly EventHandler[];
  /**
   * Its place in the producer's order (JetStream: the stream sequence; HTTP: the outbox `seq`), the
   * same on every delivery: later events of an aggregate wait behind an earlier one being retried.
   */
  readonly sequence: number;
  /** 1 on the first delivery, counted by the transport (held-back deliveries count too). */
  readonly attempt: number;
  /** Done with it (applied, skipped as a duplicate, or dead-lettered): never deliver it again. */
  ack(): Promise<void>;
  /** Deliver it again after `delayMs`; the transport keeps it durably until then. */
  retry(delayMs: number): Promise<void>;
}

export interface EventSubscription {
  close(): Promise<void>;
}

/** A pino logger fits; tests pass a recorder. */
export interface EventLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const silentLog: EventLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Exponential backoff from `baseMs`, doubling per failed attempt (1-based), capped at `maxMs`. */
export const backoffMs = (attempt: number, baseMs: number, maxMs: number): number => Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
