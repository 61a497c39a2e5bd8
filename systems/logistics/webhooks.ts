import { createHmac } from 'node:crypto';
import { request } from 'undici';
import { processLogger } from '../../common/logger.js';

/** Posted to `LOGISTICS_WEBHOOK_URL` after every change of a shipment. */
export interface ShipmentUpdatedEvent {
  event: 'shipment.updated';
  shipmentId: string;
  orderNumber: string;
  status: string;
  occurredAt: string;
}

export interface WebhookSender {
  /** Queues delivery and returns at once: a slow receiver never delays the API answer. */
  send(event: ShipmentUpdatedEvent): void;
  /** Abandons pending deliveries (retries included). */
  close(): Promise<void>;
}

export const SIGNATURE_HEADER = 'x-logistics-signature';

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`, as the CRM signs its webhooks. */
export function signWebhook(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Three attempts with doubling back-off (250 ms, 500 ms); failures are logged, never thrown. */
export function createWebhookSender(options: { url?: string; secret: string; attempts?: number; backoffMs?: number }): WebhookSender {
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 250;
  const log = processLogger('logistics-system');
  const pending = new Set<AbortController>();

  async function deliver(url: string, event: ShipmentUpdatedEvent, abort: AbortController): Promise<void> {
    const body = JSON.stringify(event);
    const headers = { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(body, options.secret) };
    for (let attempt = 1; attempt <= attempts && !abort.signal.aborted; attempt++) {
      try {
        const response = await request(url, { method: 'POST', headers, body, signal: AbortSignal.any([abort.signal, AbortSignal.timeout(5000)]) });
        await response.body.dump();
        if (response.statusCode >= 200 && response.statusCode < 300) return;
        log.warn({ url, status: response.statusCode, attempt, shipmentId: event.shipmentId }, 'webhook rejected');
      } catch (error) {
        if (abort.signal.aborted) return;
        log.warn({ url, error: (error as Error).message, attempt, shipmentId: event.shipmentId }, 'webhook failed');
      }
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
    }
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
