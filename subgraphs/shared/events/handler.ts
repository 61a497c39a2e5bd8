import type { Queryable } from '../../../common/contracts/sql.js';
import type { BusinessEvent } from './envelope.js';

/**
 * What a consuming system writes for each kind of event it reacts to; the consumer runtime
 * (consumer.ts) does the rest: schema check, idempotency by event id, retries, dead letters.
 */
export interface EventHandler {
  /** `<system>.<purpose>`, e.g. `billing.invoice-on-approval`: the key in `processed_events`, the durable consumer's name. */
  consumer: string;
  /** The subjects it consumes (`<source>.<type>`), e.g. `erp.order.approved`. */
  subjects: readonly string[];
  /**
   * Applies the event inside `tx`, the transaction that also records it processed: the effect
   * and the record commit together or not at all. An effect outside the database (a call to the
   * carrier) must be idempotent on its own, keyed by `event.id`. Throwing retries the delivery,
   * up to `EVENTS_MAX_DELIVERIES`, then dead-letters it with the error's message.
   */
  handle(event: BusinessEvent, tx: Queryable): Promise<void>;
}
