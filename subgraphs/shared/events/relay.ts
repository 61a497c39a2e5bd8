import type { Queryable } from '../../../common/contracts/sql.js';
import { failpoint } from './failpoints.js';
import { readOutbox } from './outbox.js';
import { inEventSpan } from './tracing.js';
import { backoffMs, errorMessage, silentLog, type EventLog, type EventTransport } from './transport.js';

export interface RelayOptions {
  db: Queryable;
  transport: EventTransport;
  /** A safety net under `wake()`: rows written by another replica, or a wake lost in a crash. Default 1 s. */
  pollIntervalMs?: number;
  /** Rows read per round. Default 100. */
  batchSize?: number;
  log?: EventLog;
}

export interface RelayStats {
  /** Events this process published (the transport accepted them) since start. */
  published: number;
  /** Failed publish rounds since start (the transport was down or refused). */
  failures: number;
  /** Age of the oldest unpublished outbox row as last read, in ms; 0 when the outbox was drained. */
  oldestUnpublishedMs: number;
  lastError: string | null;
}

export interface Relay {
  /** Publish now: producers call it after committing a transaction that wrote to the outbox. */
  wake(): void;
  stats(): RelayStats;
  /** Stops after the publish in progress; what is left stays in the outbox for the next start. */
  close(): Promise<void>;
}

/**
 * The outbox relay: publishes unpublished rows strictly in `seq` order, one at a time, and marks
 * them published afterwards. One at a time because a publish that fails must stop everything
 * behind it: skipping ahead would let an aggregate's later event overtake its earlier one. A crash
 * between publish and mark publishes the row again on the next start; the transports drop the
 * duplicate by event id, and consumers skip it by id if one gets through.
 */
export function startRelay(options: RelayOptions): Relay {
  const { db, transport } = options;
  const log = options.log ?? silentLog;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const batchSize = options.batchSize ?? 100;
  const stats: RelayStats = { published: 0, failures: 0, oldestUnpublishedMs: 0, lastError: null };
  let oldestUnpublishedAt: number | null = null;
  let closed = false;
  let woken = false;
  let waiting: { done: () => void; wakeable: boolean } | undefined;

  const wake = () => {
    woken = true;
    if (waiting?.wakeable) waiting.done();
  };
  /** Sleeps `ms`, cut short by `close()`, and by `wake()` when `wakeable`. */
  const idle = (ms: number, wakeable: boolean) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        waiting = undefined;
        resolve();
      }
      waiting = { done, wakeable };
      if (closed || (wakeable && woken)) done();
    });

  /** One round: publishes until the outbox is empty; throws on the first failure. */
  async function drain(): Promise<void> {
    for (;;) {
      woken = false;
      const rows = await readOutbox(db, { limit: batchSize });
      oldestUnpublishedAt = rows[0] ? Date.parse(rows[0].occurredAt) : null;
      if (rows.length === 0) return;
      const done: number[] = [];
      try {
        for (const { seq, ...event } of rows) {
          if (closed) break;
          failpoint('relay.before-publish');
          await inEventSpan(event, { operation: 'publish', transport: transport.kind }, () => transport.publish(event));
          done.push(seq);
          stats.published++;
        }
      } finally {
        // What was accepted is marked even when a later publish failed, so it is not sent again.
        if (done.length > 0) await db.query('UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])', [done]);
      }
      const next = rows[done.length];
      oldestUnpublishedAt = next ? Date.parse(next.occurredAt) : null;
      if (closed || rows.length < batchSize) return;
    }
  }

  const running = (async () => {
    let failures = 0;
    while (!closed) {
      try {
        await drain();
        failures = 0;
        stats.lastError = null;
      } catch (error) {
        failures++;
        stats.failures++;
        stats.lastError = errorMessage(error);
        log.warn({ error: stats.lastError, failures }, 'outbox relay could not publish; retrying');
        // Back off while the transport is down; a wake would only fail again.
        await idle(backoffMs(failures, 200, 5000), false);
        continue;
      }
      if (!closed) await idle(pollIntervalMs, true);
    }
  })();

  return {
    wake,
    stats: () => ({ ...stats, oldestUnpublishedMs: oldestUnpublishedAt === null ? 0 : Math.max(0, Date.now() - oldestUnpublishedAt) }),
    async close() {
      closed = true;
      waiting?.done();
      await running;
    },
  };
}
