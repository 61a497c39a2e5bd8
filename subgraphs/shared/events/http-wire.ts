import { createHmac } from 'node:crypto';

/**
 * The wire contract of business events over HTTP, shared by the producer's dispatchers
 * (http-dispatcher.ts) and the consumer's `POST /events` (http-transport.ts).
 */
export const SIGNATURE_HEADER = 'x-bizgraph-event-signature';
export const EVENT_ID_HEADER = 'x-bizgraph-event-id';
export const ATTEMPT_HEADER = 'x-bizgraph-event-attempt';
/** The event's outbox `seq` at the producer: its order among the aggregate's events. */
export const SEQUENCE_HEADER = 'x-bizgraph-event-seq';
/** A consumer's answer to "try again later": how long, in ms. */
export const RETRY_AFTER_HEADER = 'retry-after-ms';
export const EVENTS_PATH = '/events';

/** `sha256=<hex HMAC-SHA256 of the exact body>`, as subgraphs/shared/signed-webhook.ts checks. */
export const signBody = (body: string | Buffer, secret: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
