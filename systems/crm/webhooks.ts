import { createWebhookSender as createSignedWebhookSender, warnAs, type WebhookSender as SignedWebhookSender } from '../shared/webhook-sender.js';

export { signWebhook } from '../shared/webhook-sender.js';

export interface CustomerUpdatedEvent {
  event: 'customer.updated';
  customerId: string;
  version: string;
  changedFields: string[];
  occurredAt: string;
}

export type WebhookSender = SignedWebhookSender<CustomerUpdatedEvent>;

export interface WebhookOptions {
  url?: string;
  secret: string;
  attempts?: number;
  /** Delay before the second attempt; doubles after each failure. */
  backoffMs?: number;
  timeoutMs?: number;
  log?(entry: Record<string, unknown>): void;
}

/** Signs with `x-crm-signature`; logs each failed attempt and giving up as `crm-system` warnings. */
export function createWebhookSender(options: WebhookOptions): WebhookSender {
  return createSignedWebhookSender({
    ...options,
    signatureHeader: 'x-crm-signature',
    subject: (event) => ({ customerId: event.customerId }),
    log: options.log ?? warnAs('crm-system'),
  });
}
