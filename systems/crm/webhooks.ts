import { createHmac } from 'node:crypto';
import { request } from 'undici';
import { processLogger } from '../../common/logger.js';

export interface CustomerUpdatedEvent {
  event: 'customer.updated';
  customerId: string;
  version: string;
  changedFields: string[];
  occurredAt: string;
}

export interface WebhookSender {
  /** Queues delivery and returns at once: a slow receiver never delays the API answer. */
  send(event: CustomerUpdatedEvent): void;
  /** Abandons pending deliveries (retries included). */
  close(): Promise<void>;
}

export interface WebhookOptions {
  url?: string;
  secret: string;
  attempts?: number;
  /** Delay before the second attempt; doubles after each failure. */
  backoffMs?: number;
  timeoutMs?: number;
  log?(entry: Record<string, unknown>): void;
}

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`, the value of `x-crm-signature`. */
export function signWebhook(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

const defaultLog = ({ msg, ...fields }: Record<string, unknown>) => processLogger('crm-system').warn(fields, String(msg));

export function createWebhookSender(options: WebhookOptions): WebhookSender {
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 250;
  const timeoutMs = options.timeoutMs ?? 5000;
  const log = options.log ?? defaultLog;
  const pending = new Set<AbortController>();

  const wait = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      const cancel = () => {
        clearTimeout(timer);
        resolve();
      };
      signal.addEventListener('abort', cancel, { once: true });
    });

  async function deliver(url: string, event: CustomerUpdatedEvent, abort: AbortController): Promise<void> {
    const body = JSON.stringify(event);
    const signature = signWebhook(body, options.secret);
    for (let attempt = 1; attempt <= attempts && !abort.signal.aborted; attempt++) {
      try {
        const response = await request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-crm-signature': signature },
          body,
          signal: AbortSignal.any([abort.signal, AbortSignal.timeout(timeoutMs)]),
        });
        await response.body.dump();
        if (response.statusCode >= 200 && response.statusCode < 300) return;
        log({ msg: 'webhook rejected', url, status: response.statusCode, attempt, customerId: event.customerId });
      } catch (error) {
        if (abort.signal.aborted) return;
        log({ msg: 'webhook failed', url, error: (error as Error).message, attempt, customerId: event.customerId });
      }
      if (attempt < attempts) await wait(backoffMs * 2 ** (attempt - 1), abort.signal);
    }
    if (!abort.signal.aborted) log({ msg: 'webhook given up', url, attempts, customerId: event.customerId });
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
