import { clearLoaders } from '../loaders.js';
import { badInput, subgraphError } from '../../shared/errors.js';
import { restrictedCustomer } from '../../shared/row-rules.js';
import { checkIdempotencyKey, readCurrencyCode, readPositiveAmount, requestFingerprint } from '../../shared/write-input.js';
import type { IssueInvoiceInput, MutationResolvers } from '../__generated__/resolvers-types.js';
import type { InvoiceOutcome, InvoiceRequest } from '../db.js';
import type { InvoiceModel } from '../models.js';
import { ORIGIN } from '../origin.js';

const MAX_DUE_IN_DAYS = 365;

/**
 * Checks the input before any statement runs; the first bad field is reported. Whether the order
 * and the customer exist is the gateway's check, asked of the ERP and the CRM before this runs
 * (`common/contracts/references.ts`): billing cannot see either system.
 */
export function validateInvoiceInput(input: IssueInvoiceInput): InvoiceRequest {
  const idempotencyKey = checkIdempotencyKey(input.idempotencyKey, ORIGIN);
  if (!/^SO-\d{1,18}$/.test(input.orderNumber)) throw badInput(ORIGIN, 'input.orderNumber', 'orderNumber must look like SO-100001');
  if (!/^cus_[0-9A-Za-z]{1,32}$/.test(input.customerId)) throw badInput(ORIGIN, 'input.customerId', 'customerId must look like cus_0001');
  const amountCents = readPositiveAmount(input.amount, ORIGIN);
  const currency = readCurrencyCode(input.currency, ORIGIN);
  const dueInDays = input.dueInDays ?? 30;
  if (!Number.isInteger(dueInDays) || dueInDays < 0 || dueInDays > MAX_DUE_IN_DAYS) {
    throw badInput(ORIGIN, 'input.dueInDays', `dueInDays must be 0 to ${MAX_DUE_IN_DAYS}`);
  }
  const { orderNumber, customerId } = input;
  // Over the request's meaning (cents, not the amount's spelling), as for payments.
  const fingerprint = requestFingerprint([orderNumber, customerId, amountCents, currency, dueInDays]);
  return { idempotencyKey, fingerprint, orderNumber, crmRef: customerId, amountCents, currency, dueInDays };
}

function invoiceOrError(outcome: InvoiceOutcome, request: InvoiceRequest): InvoiceModel {
  switch (outcome.kind) {
    case 'issued':
    case 'replayed':
      return outcome.invoice;
    case 'key-reused':
      throw subgraphError('CONFLICT', 'idempotencyKey was already used for a different invoice', ORIGIN, { field: 'input.idempotencyKey' });
    case 'already-invoiced':
      throw subgraphError('CONFLICT', `order ${request.orderNumber} is already invoiced by ${outcome.invoiceNumber}; void it first`, ORIGIN, {
        field: 'input.orderNumber',
      });
  }
}

export const issueInvoice: MutationResolvers['issueInvoice'] = async (_root, { input }, { principal, db, loaders }) => {
  // A customer's portal pays its invoices; it never bills anyone, itself included.
  if (restrictedCustomer(principal) !== null) throw subgraphError('FORBIDDEN', 'a customer portal token may not issue invoices', ORIGIN, { field: 'input.customerId' });
  const request = validateInvoiceInput(input);
  const outcome = await db.issueInvoice(request);
  // The order's invoice and the customer's balance read before this write are stale now.
  if (outcome.kind === 'issued') clearLoaders(loaders);
  return invoiceOrError(outcome, request);
};
