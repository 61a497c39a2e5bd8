import { clearLoaders } from '../loaders.js';
import { badInput, subgraphError } from '../../shared/errors.js';
import { forbidden, restrictedCustomer } from '../../shared/row-rules.js';
import { checkIdempotencyKey, readCurrencyCode, readPositiveAmount, requestFingerprint } from '../../shared/write-input.js';
import type { MutationResolvers, RecordPaymentInput } from '../__generated__/resolvers-types.js';
import type { PaymentOutcome, PaymentRequest } from '../db.js';
import type { PaymentModel } from '../models.js';
import { ORIGIN } from '../origin.js';
import { issueInvoice } from './issue-invoice.js';
import { rateMutations } from './money.js';

/** Checks the input before any statement runs; the first bad field is reported. */
export function validatePaymentInput(input: RecordPaymentInput): PaymentRequest {
  const idempotencyKey = checkIdempotencyKey(input.idempotencyKey, ORIGIN);
  if (!/^INV-\d{1,18}$/.test(input.invoiceNumber)) {
    throw badInput(ORIGIN, 'input.invoiceNumber', 'invoiceNumber must look like INV-200001');
  }
  const amountCents = readPositiveAmount(input.amount, ORIGIN);
  const currency = readCurrencyCode(input.currency, ORIGIN);
  const { invoiceNumber, method } = input;
  // The fingerprint is over the request's meaning (cents, not the amount's spelling).
  const fingerprint = requestFingerprint([invoiceNumber, amountCents, currency, method]);
  return { idempotencyKey, fingerprint, invoiceNumber, amountCents, currency, method };
}

function paymentOrError(outcome: PaymentOutcome, request: PaymentRequest): PaymentModel {
  switch (outcome.kind) {
    case 'recorded':
    case 'replayed':
      return outcome.payment;
    case 'key-reused':
      throw subgraphError('CONFLICT', 'idempotencyKey was already used for a different payment', ORIGIN, { field: 'input.idempotencyKey' });
    case 'invoice-not-found':
      throw subgraphError('NOT_FOUND', `invoice ${request.invoiceNumber} does not exist`, ORIGIN, { field: 'input.invoiceNumber' });
    case 'forbidden':
      throw forbidden(ORIGIN, 'invoice', { field: 'input.invoiceNumber' });
    case 'invoice-void':
      throw subgraphError('CONFLICT', `invoice ${request.invoiceNumber} is void`, ORIGIN, { field: 'input.invoiceNumber' });
    case 'currency-mismatch':
      throw badInput(ORIGIN, 'input.currency', `invoice ${request.invoiceNumber} is in ${outcome.invoiceCurrency}`);
    case 'exceeds-amount-due':
      throw badInput(ORIGIN, 'input.amount', `amount exceeds the amount due (${outcome.amountDue})`);
  }
}

export const Mutation: MutationResolvers = {
  async recordPayment(_root, { input }, { principal, db, loaders }) {
    const request = validatePaymentInput(input);
    // The invoice's owner is checked on the locked row inside the write's transaction.
    const outcome = await db.recordPayment(request, restrictedCustomer(principal));
    // Anything this request read before the write is stale now (amount due, status, balance).
    if (outcome.kind === 'recorded') clearLoaders(loaders);
    return paymentOrError(outcome, request);
  },
  issueInvoice,
  ...rateMutations,
};
