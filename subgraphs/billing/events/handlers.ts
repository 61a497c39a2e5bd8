import { BILLING_MIGRATION_LOCK_KEY } from '../../../systems/billing/migrations.js';
import { isCancelledOrderIn, lockOrderIn, recordCancelledOrderIn } from '../../shared/events/cancelled-orders.js';
import type { EventHandler } from '../../shared/events/handler.js';
import type { BusinessEvent } from '../../shared/events/envelope.js';
import type { Money } from '../../shared/money.js';
import type { Queryable } from '../../shared/sql.js';
import { accountTermsIn, issueInvoiceIn, liveInvoiceOfOrderIn, voidUnpaidInvoiceOfOrderIn } from '../db-writes.js';
import { validateInvoiceInput } from '../resolvers/issue-invoice.js';

/**
 * Billing's consumers (issue 17): an approved order is invoiced, a cancelled order's unpaid
 * invoice is voided. Each writes through the runtime's `tx` only, so its effect commits with the
 * event's `processed_events` row or not at all; a thrown Error is retried, then dead-lettered.
 */

export const INVOICE_ON_APPROVAL = 'billing.invoice-on-approval';
export const VOID_ON_CANCEL = 'billing.void-on-cancel';

/** The lines a handler logs (a pino Logger fits). */
export interface HandlerLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** What billing reads of `order.approved` v1 (the ERP's schema has the rest: placedAt, lines…). */
interface ApprovedOrder {
  orderNumber: string;
  customerId: string;
  total: Money;
}

/** What billing reads of `order.cancelled` v1. */
interface CancelledOrder {
  orderNumber: string;
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** The runtime checked the schema already; this guards the few fields billing relies on, by name. */
function readApproved(event: BusinessEvent): ApprovedOrder {
  const { orderNumber, customerId, total } = event.payload as Record<string, unknown>;
  const money = (total ?? {}) as Partial<Money>;
  if (!isText(orderNumber) || !isText(customerId) || !isText(money.amount) || !isText(money.currency)) {
    throw new Error(`${event.type} ${event.id}: payload lacks orderNumber, customerId or total { amount currency }`);
  }
  return { orderNumber, customerId, total: { amount: money.amount, currency: money.currency } };
}

function readCancelled(event: BusinessEvent): CancelledOrder {
  const { orderNumber } = event.payload as Record<string, unknown>;
  if (!isText(orderNumber)) throw new Error(`${event.type} ${event.id}: payload lacks orderNumber`);
  return { orderNumber };
}

/**
 * Issues the approved order's invoice for its total, due after the account's terms, through the
 * same checks and transaction step as the issueInvoice mutation (so `invoice.issued` is recorded
 * in `tx` too). Idempotent by order: an order already billed by an invoice that is not void is
 * left as it is. A customer without an account, or with a closed one, is an Error: nothing is
 * billed, and the event is retried, then dead-lettered until someone fixes the account.
 */
export function invoiceOnApproval(log: HandlerLog): EventHandler {
  return {
    consumer: INVOICE_ON_APPROVAL,
    subjects: ['erp.order.approved'],
    async handle(event, tx) {
      const order = readApproved(event);
      const fields = { eventId: event.id, orderNumber: order.orderNumber };
      // Locked first: a cancellation applied before this approval (its own consumer) is seen here.
      await lockOrderIn(tx, BILLING_MIGRATION_LOCK_KEY, order.orderNumber);
      if (await isCancelledOrderIn(tx, order.orderNumber)) return log.info(fields, 'order was cancelled before it was invoiced: nothing to issue');
      const billed = await liveInvoiceOfOrderIn(tx, order.orderNumber);
      if (billed !== null) return log.info({ ...fields, invoiceNumber: billed }, 'order already invoiced: nothing to issue');
      const termsDays = await openAccountTerms(tx, order);
      const request = (() => {
        try {
          // One key per event: a redelivery after a crash finds its own invoice.
          const input = { idempotencyKey: `event:${event.id}`, orderNumber: order.orderNumber, customerId: order.customerId, dueInDays: termsDays };
          return validateInvoiceInput({ ...input, amount: order.total.amount, currency: order.total.currency });
        } catch (error) {
          throw new Error(`order ${order.orderNumber} cannot be invoiced: ${(error as Error).message}`);
        }
      })();
      const outcome = await issueInvoiceIn(tx, request);
      switch (outcome.kind) {
        case 'issued':
          return log.info({ ...fields, invoiceNumber: outcome.invoice.number }, 'invoice issued for the approved order');
        case 'replayed':
          return log.info({ ...fields, invoiceNumber: outcome.invoice.number }, 'invoice already issued for this event: nothing to issue');
        case 'already-invoiced':
          return log.info({ ...fields, invoiceNumber: outcome.invoiceNumber }, 'order already invoiced: nothing to issue');
        case 'key-reused':
          throw new Error(`order ${order.orderNumber}: idempotency key event:${event.id} already names a different invoice`);
      }
    },
  };
}

async function openAccountTerms(tx: Queryable, order: ApprovedOrder): Promise<number> {
  const account = await accountTermsIn(tx, order.customerId);
  if (!account) throw new Error(`billing has no account for customer ${order.customerId}: order ${order.orderNumber} cannot be invoiced`);
  if (account.status === 'CLOSED') throw new Error(`billing account of customer ${order.customerId} is closed: order ${order.orderNumber} cannot be invoiced`);
  return account.termsDays;
}

/**
 * Voids the cancelled order's invoice when nothing was paid on it. An invoice with payments is
 * left alone (the money is returned by a person) and the handler says so; an order billing never
 * invoiced needs nothing.
 */
export function voidOnCancel(log: HandlerLog): EventHandler {
  return {
    consumer: VOID_ON_CANCEL,
    subjects: ['erp.order.cancelled'],
    async handle(event, tx) {
      const order = readCancelled(event);
      const fields = { eventId: event.id, orderNumber: order.orderNumber };
      await lockOrderIn(tx, BILLING_MIGRATION_LOCK_KEY, order.orderNumber);
      // Remembered, so an approval applied after this (its consumer ran late) bills nothing.
      await recordCancelledOrderIn(tx, order.orderNumber, event);
      const outcome = await voidUnpaidInvoiceOfOrderIn(tx, order.orderNumber);
      switch (outcome.kind) {
        case 'voided':
          return log.info({ ...fields, invoiceNumber: outcome.invoiceNumber }, 'invoice of the cancelled order voided');
        case 'no-invoice':
          return log.info(fields, 'cancelled order has no invoice to void');
        case 'has-payments':
          return log.warn(
            { ...fields, invoiceNumber: outcome.invoiceNumber, paid: outcome.paid },
            `invoice ${outcome.invoiceNumber} of the cancelled order is not voided: ${outcome.paid.amount} ${outcome.paid.currency} was paid on it; refund it by hand`,
          );
      }
    },
  };
}

/** Both of billing's consumers, for the runtime to subscribe. */
export const billingEventHandlers = (log: HandlerLog): readonly EventHandler[] => [invoiceOnApproval(log), voidOnCancel(log)];
