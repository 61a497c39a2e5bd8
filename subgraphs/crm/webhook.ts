import type { FastifyInstance } from 'fastify';
import { isEventKey, registerSignedWebhook, type SignedWebhook } from '../shared/signed-webhook.js';

/**
 * `POST /webhooks/crm`: the CRM's change webhook (`customer.updated`), so a change made directly in
 * the CRM (by another app) reaches every replica's cache at once instead of after its TTL.
 * `x-crm-signature` (key `CRM_WEBHOOK_SECRET`) authenticates it; see `registerSignedWebhook`.
 */
export interface CrmWebhookOptions {
  secret: string;
  /** Invalidates what is cached about the customer. */
  customerChanged(id: string): Promise<void>;
}

export interface CrmWebhookCounters {
  crmWebhooksAccepted: number;
  crmWebhooksRejected: number;
}

export type CrmWebhook = SignedWebhook<CrmWebhookCounters>;

export const WEBHOOK_PATH = '/webhooks/crm';

function changedCustomer(event: Record<string, unknown>): { id: string } | 'ignored' | 'invalid' {
  if (event.event !== 'customer.updated') return 'ignored';
  return isEventKey(event.customerId) ? { id: event.customerId } : 'invalid';
}

export function registerCrmWebhook(app: FastifyInstance, options: CrmWebhookOptions): CrmWebhook {
  return registerSignedWebhook(app, {
    path: WEBHOOK_PATH,
    signatureHeader: 'x-crm-signature',
    secret: options.secret,
    parseEvent: changedCustomer,
    invalidMessage: 'expected a customer.updated event with customerId',
    onEvent: (change) => options.customerChanged(change.id),
    counterNames: { accepted: 'crmWebhooksAccepted', rejected: 'crmWebhooksRejected' },
  });
}
