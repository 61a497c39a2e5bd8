import { createHmac } from 'node:crypto';
import { request } from 'undici';
import { processLogger } from '../../common/logger.js';

/** Posts a stand-in's change events to its subgraph, signed, retried with doubling back-off. */
export interface WebhookSender<Event> {
  /** Queues delivery and returns at once: a slow receiver never delays the API answer. */
  send(event: Event): void;
  /** Abandons pending deliveries (retries included). */
  close(): Promise<void>;
}

export interface WebhookSenderOptions<Event> {
  /** Where events are posted; without it `send` does nothing (no receiver configured). */
  url?: string;
  /** HMAC key shared with the receiver. */
  secret: string;
  /** Header carrying `signWebhook(body, secret)`, e.g. `x-crm-signature`. */
  signatureHeader: string;
  /** The fields naming the event's subject in each log line, e.g. `{ customerId }`. */
  subject(event: Event): Record<string, unknown>;
  /** Receives `{ msg, ...fields }` for each failed attempt and once more when it gives up; see `warnAs`. */
  log(entry: Record<string, unknown>): void;
  /** Default 3. */
  attempts?: number;
  /** Delay before the second attempt; doubles after each failure. Default 250. */
  backoffMs?: number;
  /** Per attempt. Default 5000. */
  timeoutMs?: number;
}

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`, the signature header's value. */
export function signWebhook(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** A `log` for `WebhookSenderOptions`: a warning on the process logger, `msg` as its message. */
export const warnAs =
  (service: string) =>
  ({ msg, ...fields }: Record<string, unknown>): void =>
    processLogger(service).warn(fields, String(msg));

/** Resolves after `ms`, or at once when `signal` aborts, so `close()` never waits out a back-off. */
const wait = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

export function createWebhookSender<Event>(options: WebhookSenderOptions<Event>): WebhookSender<Event> {
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 250;
  const timeoutMs = options.timeoutMs ?? 5000;
  const { log } = options;
  const pending = new Set<AbortController>();

  async function deliver(url: string, event: Event, abort: AbortController): Promise<void> {
    const body = JSON.stringify(event);
    const headers = { 'content-type': 'application/json', [options.signatureHeader]: signWebhook(body, options.secret) };
    const subject = options.subject(event);
    for (let attempt = 1; attempt <= attempts && !abort.signal.aborted; attempt++) {
      try {
        const response = await request(url, { method: 'POST', headers, body, signal: AbortSignal.any([abort.signal, AbortSignal.timeout(timeoutMs)]) });
        await response.body.dump();
        if (response.statusCode >= 200 && response.statusCode < 300) return;
        log({ msg: 'webhook rejected', url, status: response.statusCode, attempt, ...subject });
      } catch (error) {
        if (abort.signal.aborted) return;
        log({ msg: 'webhook failed', url, error: (error as Error).message, attempt, ...subject });
      }
      if (attempt < attempts) await wait(backoffMs * 2 ** (attempt - 1), abort.signal);
    }
    if (!abort.signal.aborted) log({ msg: 'webhook given up', url, attempts, ...subject });
  }

  return {
    send(event) {
      if (!options.url) return;
      const abort = new AbortController();
      pending.add(abort);
      void deliver(options.url, event, abort).finally(() => pending.delete(abort));
    },
    async close() {
      for (const abort of pending) abort.abort();
      pending.clear();
    },
  };
}
