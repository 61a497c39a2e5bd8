import { Agent, request } from 'undici';
import type { Queryable } from '../../../common/contracts/sql.js';
import { ATTEMPT_HEADER, EVENT_ID_HEADER, EVENTS_PATH, RETRY_AFTER_HEADER, SEQUENCE_HEADER, SIGNATURE_HEADER, signBody } from './http-wire.js';
import { eventFromRow, type OutboxRow } from './outbox.js';
import type { SubscriberUrls } from './subscribers.js';
import { backoffMs, errorMessage, type EventLog } from './transport.js';

/** The cap of the producer's retry delay after a POST that got no answer (`DispatcherSettings.retryMaxMs`). */
export const HTTP_RETRY_MAX_MS_DEFAULT = 10_000;

/** The producer side's settings of the HTTP transport (http-transport.ts's options extend them). */
export interface DispatcherSettings {
  /** `EVENTS_SIGNING_SECRET`: the HMAC key shared by every subgraph. */
  secret: string;
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
}

export interface Dispatcher {
  name: string;
  wake(): void;
  close(): Promise<void>;
}

interface DeliveryRow extends OutboxRow {
  subscriber: string;
  attempts: number;
}

/**
 * Producer side, one per subscriber: POSTs its pending deliveries in `seq` order, several aggregates
 * at once but never an aggregate's event before its earlier one is delivered (the query only picks
 * the oldest undelivered event of each aggregate). A subscriber that is down holds only its rows.
 */
export function startDispatcher(db: Queryable, name: string, urlOf: SubscriberUrls, options: DispatcherSettings, log: EventLog): Dispatcher {
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
    const delayMs = failure.delayMs ?? backoffMs(attempt, options.retryBaseMs ?? 500, options.retryMaxMs ?? HTTP_RETRY_MAX_MS_DEFAULT);
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
