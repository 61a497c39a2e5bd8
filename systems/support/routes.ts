import type { FastifyInstance, FastifyReply } from 'fastify';
import { readStatsQuery } from '../shared/stats-query.js';
import type { StatsGrouping, TicketStore } from './store.js';
import { parseNewTicket, parsePatch, PRIORITIES, STATUSES, ValidationError, type Ticket } from './tickets.js';

/** Batch endpoints take at most this many keys per call, like the real desk's API. */
export const MAX_BATCH_KEYS = 100;
const MAX_IDEMPOTENCY_KEY = 200;
const BATCH_PARAMS = ['ids', 'requesterEmails', 'orderNumbers'] as const;
type BatchParam = (typeof BATCH_PARAMS)[number];

type Query = Record<string, string | string[] | undefined>;

function fail(reply: FastifyReply, status: number, code: string, message: string, field?: string) {
  return reply.code(status).send({ error: { code, ...(field === undefined ? {} : { field }), message } });
}

/** Accepts `ids=a,b` and `ids=a&ids=b`. */
function readKeys(raw: string | string[]): string[] {
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((value) => value.split(','));
  return [...new Set(parts.map((part) => part.trim()).filter((part) => part.length > 0))];
}

/** List cursors are opaque keyset positions: the last ticket of the previous page. */
export function encodeCursor(ticket: Ticket): string {
  return Buffer.from(JSON.stringify([ticket.createdAt, ticket.id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    // falls through to the validation error
  }
  throw new ValidationError('cursor', 'cursor is not one this API returned');
}

function readFilter(query: Query, field: 'status' | 'priority', allowed: readonly string[]): string | undefined {
  const value = query[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new ValidationError(field, `${field} must be one of ${allowed.join(', ')}`);
  }
  return value;
}

const STATS_GROUPINGS: readonly StatsGrouping[] = ['month', 'status', 'priority'];

function readLimit(query: Query): number {
  const raw = query.limit;
  if (raw === undefined) return 50;
  const limit = typeof raw === 'string' && /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= 100)) throw new ValidationError('limit', 'limit must be an integer between 1 and 100');
  return limit;
}

function batchRead(store: TicketStore, param: BatchParam, raw: string | string[]): Ticket[] {
  const keys = readKeys(raw);
  if (keys.length === 0) throw new ValidationError(param, `${param} needs at least one value`);
  if (keys.length > MAX_BATCH_KEYS) throw new ValidationError(param, `${param} takes at most ${MAX_BATCH_KEYS} values`);
  if (param === 'ids') return store.byIds(keys);
  if (param === 'requesterEmails') return store.byRequesterEmails(keys);
  return store.byOrderNumbers(keys);
}

export function registerTicketRoutes(app: FastifyInstance, store: TicketStore): void {
  app.get('/tickets', async (request, reply) => {
    const query = request.query as Query;
    try {
      const params = BATCH_PARAMS.filter((param) => query[param] !== undefined);
      if (params.length > 1) throw new ValidationError(params[1]!, `use one of ${BATCH_PARAMS.join(', ')} per call`);
      const param = params[0];
      if (param !== undefined) return { data: batchRead(store, param, query[param]!) };
      const cursor = query.cursor;
      if (cursor !== undefined && typeof cursor !== 'string') throw new ValidationError('cursor', 'cursor must be given once');
      const limit = readLimit(query);
      const page = store.list({
        limit,
        after: cursor === undefined ? undefined : decodeCursor(cursor),
        status: readFilter(query, 'status', STATUSES),
        priority: readFilter(query, 'priority', PRIORITIES),
      });
      const last = page.tickets[page.tickets.length - 1];
      return { data: page.tickets, nextCursor: page.hasMore && last ? encodeCursor(last) : null };
    } catch (error) {
      if (error instanceof ValidationError) return fail(reply, 400, 'validation', error.message, error.field);
      throw error;
    }
  });

  // Reporting: counts computed by the desk over its own tickets (the static route wins over /:id).
  app.get('/tickets/stats', async (request, reply) => {
    const query = request.query as Query;
    try {
      const { from, to, groupBy } = readStatsQuery(query, STATS_GROUPINGS, (field, message) => new ValidationError(field, message));
      const requesterEmail = typeof query.requesterEmail === 'string' ? query.requesterEmail.trim().toLowerCase() : undefined;
      return { data: store.stats({ from, to, groupBy, requesterEmail }) };
    } catch (error) {
      if (error instanceof ValidationError) return fail(reply, 400, 'validation', error.message, error.field);
      throw error;
    }
  });

  app.get<{ Params: { id: string } }>('/tickets/:id', async (request, reply) => {
    const ticket = store.get(request.params.id);
    return ticket ?? fail(reply, 404, 'not_found', `no ticket ${request.params.id}`);
  });

  app.post('/tickets', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY) {
      return fail(reply, 400, 'validation', `Idempotency-Key header of 1 to ${MAX_IDEMPOTENCY_KEY} characters is required`, 'idempotencyKey');
    }
    let input;
    try {
      input = parseNewTicket(request.body);
    } catch (error) {
      if (error instanceof ValidationError) return fail(reply, 400, 'validation', error.message, error.field);
      throw error;
    }
    const result = await store.create(key, input);
    if (result.kind === 'mismatch') {
      return fail(reply, 422, 'idempotency_mismatch', 'this Idempotency-Key was used with a different request body');
    }
    if (result.kind === 'replayed') return reply.code(200).header('Idempotent-Replayed', 'true').send(result.ticket);
    return reply.code(201).send(result.ticket);
  });

  app.patch<{ Params: { id: string } }>('/tickets/:id', async (request, reply) => {
    let patch;
    try {
      patch = parsePatch(request.body);
    } catch (error) {
      if (error instanceof ValidationError) return fail(reply, 400, 'validation', error.message, error.field);
      throw error;
    }
    const ticket = await store.update(request.params.id, patch);
    return ticket ?? fail(reply, 404, 'not_found', `no ticket ${request.params.id}`);
  });
}
