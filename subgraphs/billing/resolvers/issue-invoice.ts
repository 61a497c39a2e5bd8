import { createHash } from 'node:crypto';
import { badInput, subgraphError } from '../../shared/errors.js';
import { parseAmountToCents } from '../../shared/money.js';
import { restrictedCustomer } from '../../shared/row-rules.js';
import type { IssueInvoiceInput, MutationResolvers } from '../__generated__/resolvers-types.js';
import type { InvoiceOutcome, InvoiceRequest } from '../db.js';
import type { InvoiceModel } from '../models.js';
import { ORIGIN } from '../origin.js';

const MAX_KEY_LENGTH = 200;
const MAX_DUE_IN_DAYS = 365;

/**
 * Checks the input before any statement runs; the first bad field is reported. Whether the order
 * and the customer exist is the gateway's check, asked of the ERP and the CRM before this runs
 * (`common/contracts/references.ts`): billing cannot see either system.
 */
export function validateInvoiceInput(input: IssueInvoiceInput): InvoiceRequest {
  if (input.idempotencyKey.length < 1 || input.idempotencyKey.length > MAX_KEY_LENGTH) {
    throw badInput(ORIGIN, 'input.idempotencyKey', `idempotencyKey must be 1 to ${MAX_KEY_LENGTH} characters`);
  }
  if (!/^SO-\d{1,18}$/.test(input.orderNumber)) throw badInput(ORIGIN, 'input.orderNumber', 'orderNumber must look like SO-100001');
  if (!/^cus_[0-9A-Za-z]{1,32}$/.test(input.customerId)) throw badInput(ORIGIN, 'input.customerId', 'customerId must look like cus_0001');
  const amountCents = parseAmountToCents(input.amount);
  if (amountCents === null || amountCents <= 0) {
    throw badInput(ORIGIN, 'input.amount', 'amount must be a decimal greater than zero with at most two decimals');
  }
  if (!/^[A-Z]{3}$/.test(input.currency)) throw badInput(ORIGIN, 'input.currency', 'currency must be three upper-case letters (ISO 4217)');
  const dueInDays = input.dueInDays ?? 30;
  if (!Number.isInteger(dueInDays) || dueInDays < 0 || dueInDays > MAX_DUE_IN_DAYS) {
    throw badInput(ORIGIN, 'input.dueInDays', `dueInDays must be 0 to ${MAX_DUE_IN_DAYS}`);
  }
  const { idempotencyKey, orderNumber, customerId, currency } = input;
  // Over the request's meaning (cents, not the amount's spelling), as for payments.
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([orderNumber, customerId, amountCents, currency, dueInDays]))
    .digest('hex');
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
  if (outcome.kind === 'issued') for (const loader of Object.values(loaders)) loader.clearAll();
  return invoiceOrError(outcome, request);
};
