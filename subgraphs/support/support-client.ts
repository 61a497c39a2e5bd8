import { badInput, subgraphError } from '../shared/errors.js';
import { keyLists, createCountedRestClient, type RestResponse } from '../shared/rest-client.js';
import type { TicketPriority, TicketStatus } from './__generated__/resolvers-types.js';
import type { TicketModel } from './models.js';
import { ORIGIN } from './origin.js';

/** The desk's batch endpoints take at most this many keys per call. */
export const DESK_BATCH_SIZE = 100;

export interface SupportClientOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
}

export interface TicketPageQuery {
  limit: number;
  cursor?: string;
  status?: TicketStatus;
  priority?: TicketPriority;
}

export interface NewTicketInput {
  requesterEmail: string;
  subject: string;
  description: string | null;
  priority: TicketPriority;
  orderNumber: string | null;
}

export interface TicketPatchInput {
  status?: TicketStatus;
  priority?: TicketPriority;
}

/**
 * The one seam to the support desk: only this module knows its URLs, parameters and key.
 * Every batch read is one HTTP call per ≤ 100 keys.
 */
export interface SupportClient {
  ticketsByIds(ids: readonly string[]): Promise<TicketModel[]>;
  /** The desk matches requester emails case-insensitively. */
  ticketsByRequesterEmails(emails: readonly string[]): Promise<TicketModel[]>;
  ticketsByOrderNumbers(numbers: readonly string[]): Promise<TicketModel[]>;
  /** One page of the desk's list, newest first; `nextCursor` is null on the last page. */
  listTickets(query: TicketPageQuery): Promise<{ tickets: TicketModel[]; nextCursor: string | null }>;
  /** Ticket counts per group over `[from, to)`, computed by the desk (its reporting endpoint). */
  ticketStats(query: TicketStatsQuery): Promise<TicketStatsRow[]>;
  /** A replay of `idempotencyKey` returns the first ticket; another body with it is CONFLICT. */
  openTicket(idempotencyKey: string, input: NewTicketInput): Promise<{ ticket: TicketModel; replayed: boolean }>;
  /** Null when the desk has no such ticket. */
  updateTicket(id: string, patch: TicketPatchInput): Promise<TicketModel | null>;
  checkHealth(): Promise<void>;
  /** Desk calls made since start or the last reset (health checks excluded): the batching proof. */
  callCount(): number;
  resetCallCount(): void;
  close(): Promise<void>;
}

export interface TicketStatsQuery {
  from: Date;
  to: Date;
  groupBy: ReadonlySet<'MONTH' | 'STATUS' | 'PRIORITY'>;
  /** A portal principal's email: only the tickets it requested count. */
  requesterEmail?: string;
}
export interface TicketStatsRow {
  month: string | null;
  status: TicketStatus | null;
  priority: TicketPriority | null;
  tickets: number;
  overdue: number;
}

interface DeskError {
  error?: { code?: string; field?: string; message?: string };
}

export function createSupportClient(options: SupportClientOptions): SupportClient {
  const rest = createCountedRestClient({ baseUrl: options.baseUrl, apiKey: options.apiKey, origin: ORIGIN, timeoutMs: options.timeoutMs });
  const call = rest.call;

  const batch = async (param: string, keys: readonly string[]): Promise<TicketModel[]> => {
    const pages = await Promise.all(keyLists(keys, DESK_BATCH_SIZE).map((list) => call<{ data: TicketModel[] }>('GET', '/tickets', { query: { [param]: list } })));
    return pages.flatMap((page) => page.body.data);
  };

  /** The desk names the wrong field with the same name as our input field. */
  const rejected = (response: RestResponse<unknown>) => {
    const field = (response.body as DeskError).error?.field ?? 'input';
    return badInput(ORIGIN, `input.${field}`, (response.body as DeskError).error?.message ?? 'the support desk rejected the input');
  };

  return {
    ticketsByIds: (ids) => batch('ids', ids),
    ticketsByRequesterEmails: (emails) => batch('requesterEmails', emails),
    ticketsByOrderNumbers: (numbers) => batch('orderNumbers', numbers),

    async ticketStats({ from, to, groupBy, requesterEmail }) {
      const query = { from: from.toISOString(), to: to.toISOString(), groupBy: [...groupBy].map((grouping) => grouping.toLowerCase()).join(','), requesterEmail };
      return (await call<{ data: TicketStatsRow[] }>('GET', '/tickets/stats', { query })).body.data;
    },
    async listTickets({ limit, cursor, status, priority }) {
      const { status: code, body } = await call<{ data: TicketModel[]; nextCursor: string | null }>('GET', '/tickets', {
        query: { limit, cursor, status, priority },
        expect: [400],
      });
      if (code === 400) {
        // Only the cursor comes from a client unchecked (it wraps the desk's own cursor).
        if ((body as DeskError).error?.field === 'cursor') throw badInput(ORIGIN, 'after', 'after is not a cursor returned by this field');
        throw subgraphError('UPSTREAM_ERROR', 'support answered HTTP 400', ORIGIN, { status: 400 });
      }
      return { tickets: body.data, nextCursor: body.nextCursor };
    },

    async openTicket(idempotencyKey, input) {
      const response = await call<TicketModel>('POST', '/tickets', {
        headers: { 'idempotency-key': idempotencyKey },
        body: input,
        expect: [400, 422],
      });
      if (response.status === 422) {
        throw subgraphError('CONFLICT', 'this idempotencyKey was already used with different input', ORIGIN, { field: 'input.idempotencyKey' });
      }
      if (response.status === 400) throw rejected(response);
      return { ticket: response.body, replayed: response.status === 200 };
    },

    async updateTicket(id, patch) {
      const response = await call<TicketModel>('PATCH', `/tickets/${encodeURIComponent(id)}`, { body: patch, expect: [400, 404] });
      if (response.status === 404) return null;
      if (response.status === 400) throw rejected(response);
      return response.body;
    },

    async checkHealth() {
      await rest.uncounted('GET', '/healthz');
    },
    callCount: rest.callCount,
    resetCallCount: rest.resetCallCount,
    close: rest.close,
  };
}
