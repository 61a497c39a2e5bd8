import { badInput } from '../../shared/errors.js';
import { checkIdempotencyKey } from '../../shared/write-input.js';
import type { OpenTicketInput } from '../__generated__/resolvers-types.js';
import { ORIGIN } from '../origin.js';
import type { NewTicketInput } from '../support-client.js';

const MAX_SUBJECT = 200;
const MAX_DESCRIPTION = 10_000;
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
const ORDER_NUMBER = /^SO-\d+$/;

/**
 * Checks `openTicket`'s input before anything reaches the desk, naming the wrong field
 * (`input.requesterEmail`, …), and fills the defaults the desk would apply.
 */
export function validateOpenTicket(input: OpenTicketInput): { idempotencyKey: string; ticket: NewTicketInput } {
  const { idempotencyKey, requesterEmail, subject } = input;
  checkIdempotencyKey(idempotencyKey, ORIGIN);
  if (!EMAIL.test(requesterEmail) || requesterEmail.length > 254) {
    throw badInput(ORIGIN, 'input.requesterEmail', 'requesterEmail must be an email address');
  }
  const trimmed = subject.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_SUBJECT) {
    throw badInput(ORIGIN, 'input.subject', `subject must be 1 to ${MAX_SUBJECT} characters`);
  }
  const description = input.description ?? null;
  if (description !== null && description.length > MAX_DESCRIPTION) {
    throw badInput(ORIGIN, 'input.description', `description must be at most ${MAX_DESCRIPTION} characters`);
  }
  const orderNumber = input.orderNumber ?? null;
  if (orderNumber !== null && !ORDER_NUMBER.test(orderNumber)) {
    throw badInput(ORIGIN, 'input.orderNumber', 'orderNumber must look like SO-100001');
  }
  return {
    idempotencyKey,
    ticket: { requesterEmail, subject: trimmed, description, priority: input.priority ?? 'NORMAL', orderNumber },
  };
}
