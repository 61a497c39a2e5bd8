import { SLA_HOURS } from '../seed/generate.js';
import type { TicketPriority, TicketStatus } from '../seed/types.js';

/** A ticket as the desk stores and serves it. */
export interface Ticket {
  id: string;
  subject: string;
  description: string | null;
  requesterEmail: string;
  orderNumber: string | null;
  status: TicketStatus;
  priority: TicketPriority;
  createdAt: string;
  updatedAt: string;
  slaDueAt: string;
}

export const STATUSES: readonly TicketStatus[] = ['NEW', 'OPEN', 'PENDING', 'SOLVED', 'CLOSED'];
export const PRIORITIES: readonly TicketPriority[] = ['LOW', 'NORMAL', 'HIGH', 'URGENT'];

export const MAX_SUBJECT = 200;
export const MAX_DESCRIPTION = 10_000;
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;
const ORDER_NUMBER = /^SO-\d+$/;

/** The body of `POST /tickets`, normalised (defaults applied) so replays compare equal. */
export interface NewTicket {
  requesterEmail: string;
  subject: string;
  description: string | null;
  priority: TicketPriority;
  orderNumber: string | null;
}

export interface TicketPatch {
  status?: TicketStatus;
  priority?: TicketPriority;
}

/** A rejected request body, naming the field the caller must fix. */
export class ValidationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function slaDueAt(createdAt: string, priority: TicketPriority): string {
  return new Date(Date.parse(createdAt) + SLA_HOURS[priority] * 3_600_000).toISOString();
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function optionalString(body: Record<string, unknown>, field: string): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new ValidationError(field, `${field} must be a string`);
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ValidationError(field, `${field} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function parseNewTicket(body: unknown): NewTicket {
  if (!isObject(body)) throw new ValidationError('body', 'body must be a JSON object');
  const requesterEmail = optionalString(body, 'requesterEmail');
  if (requesterEmail === null || !EMAIL.test(requesterEmail) || requesterEmail.length > 254) {
    throw new ValidationError('requesterEmail', 'requesterEmail must be an email address');
  }
  const subject = optionalString(body, 'subject')?.trim() ?? '';
  if (subject.length === 0 || subject.length > MAX_SUBJECT) {
    throw new ValidationError('subject', `subject must be 1 to ${MAX_SUBJECT} characters`);
  }
  const description = optionalString(body, 'description');
  if (description !== null && description.length > MAX_DESCRIPTION) {
    throw new ValidationError('description', `description must be at most ${MAX_DESCRIPTION} characters`);
  }
  const priority = body.priority === undefined || body.priority === null ? 'NORMAL' : oneOf(body.priority, PRIORITIES, 'priority');
  const orderNumber = optionalString(body, 'orderNumber');
  if (orderNumber !== null && !ORDER_NUMBER.test(orderNumber)) {
    throw new ValidationError('orderNumber', 'orderNumber must look like SO-100001');
  }
  return { requesterEmail, subject, description, priority, orderNumber };
}

export function parsePatch(body: unknown): TicketPatch {
  if (!isObject(body)) throw new ValidationError('body', 'body must be a JSON object');
  const patch: TicketPatch = {};
  if (body.status !== undefined) patch.status = oneOf(body.status, STATUSES, 'status');
  if (body.priority !== undefined) patch.priority = oneOf(body.priority, PRIORITIES, 'priority');
  return patch;
}

/** Newest first: createdAt descending, then id descending (ids are zero-padded, so compare by length first). */
export function newestFirst(a: Pick<Ticket, 'createdAt' | 'id'>, b: Pick<Ticket, 'createdAt' | 'id'>): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  if (a.id.length !== b.id.length) return b.id.length - a.id.length;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
