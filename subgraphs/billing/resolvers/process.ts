import { consumerStep, step, type FulfillmentStepModel } from '../../shared/process/steps.js';
import { assertCustomer } from '../../shared/row-rules.js';
import type { OrderFulfillmentResolvers } from '../__generated__/resolvers-types.js';
import { INVOICE_ON_APPROVAL, VOID_ON_CANCEL } from '../events/handlers.js';
import type { BillingLoaders } from '../loaders.js';
import type { InvoiceModel } from '../models.js';
import { ORIGIN } from '../origin.js';

/**
 * Billing's steps of an order's fulfillment (issue 17): the invoice (its consumer of
 * order.approved) and the payment (the invoice settled). Answered from billing's own tables: the
 * consumer tables by the order number, and the order's invoice.
 */

interface Facts {
  invoice: InvoiceModel | null;
  /** billing.void-on-cancel applied an order.cancelled: steps not done by then are SKIPPED. */
  cancelled: boolean;
  now: number;
}

async function factsOf(orderNumber: string, loaders: BillingLoaders) {
  const [states, invoice] = await Promise.all([loaders.stepStates.load(orderNumber), loaders.invoiceByOrderNumber.load(orderNumber)]);
  return { states, facts: { invoice, cancelled: Boolean(states.get(VOID_ON_CANCEL)?.processedAt), now: Date.now() } satisfies Facts };
}

/** DONE when the consumer applied order.approved, or an invoice of the order exists (issued by hand, or before events). */
async function invoiceStep(orderNumber: string, loaders: BillingLoaders): Promise<FulfillmentStepModel> {
  const { states, facts } = await factsOf(orderNumber, loaders);
  const state = states.get(INVOICE_ON_APPROVAL);
  return consumerStep({
    step: 'invoice',
    system: 'billing',
    state,
    completedAt: state?.processedAt ?? facts.invoice?.issuedAt ?? null,
    skipped: facts.cancelled,
    sloMs: loaders.processSlos.invoice,
    now: facts.now,
  });
}

/** DONE when the invoice is PAID (at its last payment); due at the invoice's due date plus the SLO's grace. */
async function paymentStep(orderNumber: string, loaders: BillingLoaders): Promise<FulfillmentStepModel> {
  const { facts } = await factsOf(orderNumber, loaders);
  const { invoice } = facts;
  const where = { step: 'payment', system: 'billing', sloMs: loaders.processSlos.payment, now: facts.now } as const;
  const paid = invoice?.status === 'PAID' ? await loaders.paymentsByInvoiceId.load(invoice.id) : null;
  const completedAt = paid
    ? (paid
        .map((payment) => payment.paidAt)
        .sort()
        .at(-1) ?? invoice!.issuedAt)
    : null;
  const skipped = invoice?.status === 'VOID' || (facts.cancelled && !paid);
  return step(where, {
    status: paid ? 'DONE' : skipped ? 'SKIPPED' : 'PENDING',
    startedAt: invoice?.issuedAt ?? null,
    completedAt,
    dueAt: invoice ? new Date(Date.parse(invoice.dueAt) + where.sloMs).toISOString() : null,
    attempts: 0,
    lastError: null,
    traceparent: null,
  });
}

export const OrderFulfillment: OrderFulfillmentResolvers = {
  // The ERP hands out the key only for an order the caller may see; billing checks its customer again.
  __resolveReference: (ref, { principal }) => {
    assertCustomer(principal, ref.customerId, ORIGIN, 'fulfillment');
    return { orderNumber: ref.orderNumber, customerId: ref.customerId };
  },
  invoice: (fulfillment, _args, { loaders }) => invoiceStep(fulfillment.orderNumber, loaders),
  payment: (fulfillment, _args, { loaders }) => paymentStep(fulfillment.orderNumber, loaders),
};
