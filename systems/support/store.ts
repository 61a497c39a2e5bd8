import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '../../common/atomic-file.js';
import type { SeedTicket } from '../seed/types.js';
import { newestFirst, slaDueAt, type NewTicket, type Ticket, type TicketPatch } from './tickets.js';

/** What `<storeDir>/tickets.json` holds: the tickets and every idempotency key ever used. */
interface StoreFile {
  version: 1;
  nextNumber: number;
  tickets: Ticket[];
  idempotency: Record<string, { fingerprint: string; ticketId: string }>;
}

export type CreateResult = { kind: 'created'; ticket: Ticket } | { kind: 'replayed'; ticket: Ticket } | { kind: 'mismatch' };

export type StatsGrouping = 'month' | 'status' | 'priority';
export interface StatsQuery {
  from: string;
  to: string;
  groupBy: ReadonlySet<StatsGrouping>;
  /** Only this requester's tickets (a customer portal's view). */
  requesterEmail?: string;
}
export interface StatsRow {
  month: string | null;
  status: string | null;
  priority: string | null;
  tickets: number;
  /** Not solved or closed, and past their SLA due time now. */
  overdue: number;
}
const RANK: Record<string, number> = { NEW: 0, OPEN: 1, PENDING: 2, SOLVED: 3, CLOSED: 4, LOW: 0, NORMAL: 1, HIGH: 2, URGENT: 3 };
/** By month, then status and priority in their workflow order. */
function compareStats(a: StatsRow, b: StatsRow): number {
  return (a.month ?? '').localeCompare(b.month ?? '') || (RANK[a.status ?? ''] ?? 0) - (RANK[b.status ?? ''] ?? 0) || (RANK[a.priority ?? ''] ?? 0) - (RANK[b.priority ?? ''] ?? 0);
}

export interface ListQuery {
  limit: number;
  /** Position after which to continue (the last ticket of the previous page). */
  after?: { createdAt: string; id: string };
  status?: string;
  priority?: string;
}

const ticketId = (n: number) => `tkt_${String(n).padStart(5, '0')}`;
/** Requesters are matched by email regardless of case, as a mail system would. */
const emailKey = (email: string) => email.toLowerCase();

/**
 * The desk's data: an in-memory index over one JSON file. Every write is applied in memory,
 * then the whole file is written to a temp file and renamed over the old one before the caller
 * answers, so a crash leaves either the old or the new file and a restart keeps every write.
 */
export class TicketStore {
  private byId = new Map<string, Ticket>();
  private sorted: Ticket[] = [];
  private byEmail = new Map<string, Ticket[]>();
  private byOrder = new Map<string, Ticket[]>();
  /** Writes are serialised so two renames never interleave. */
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private data: StoreFile,
  ) {
    this.reindex();
  }

  static async open(storeDir: string, seedTickets: () => SeedTicket[]): Promise<TicketStore> {
    await mkdir(storeDir, { recursive: true });
    const path = join(storeDir, 'tickets.json');
    let data: StoreFile;
    try {
      data = JSON.parse(await readFile(path, 'utf8')) as StoreFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const tickets = seedTickets().map((seed): Ticket => ({
        id: seed.id,
        subject: seed.subject,
        description: seed.description,
        requesterEmail: seed.requesterEmail,
        orderNumber: seed.orderNumber,
        status: seed.status,
        priority: seed.priority,
        createdAt: seed.createdAt,
        updatedAt: seed.createdAt,
        slaDueAt: seed.slaDueAt,
      }));
      const seeded = new TicketStore(path, { version: 1, nextNumber: tickets.length + 1, tickets, idempotency: {} });
      await seeded.persist();
      return seeded;
    }
    return new TicketStore(path, data);
  }

  get(id: string): Ticket | undefined {
    return this.byId.get(id);
  }

  count(): number {
    return this.sorted.length;
  }

  byIds(ids: readonly string[]): Ticket[] {
    const found = new Set<Ticket>();
    for (const id of ids) {
      const ticket = this.byId.get(id);
      if (ticket) found.add(ticket);
    }
    return [...found].sort(newestFirst);
  }

  byRequesterEmails(emails: readonly string[]): Ticket[] {
    return this.collect(this.byEmail, emails.map(emailKey));
  }

  byOrderNumbers(numbers: readonly string[]): Ticket[] {
    return this.collect(this.byOrder, numbers);
  }

  /** One page newest first, fetching one extra row to tell whether another page follows. */
  list(query: ListQuery): { tickets: Ticket[]; hasMore: boolean } {
    const matching = this.sorted.filter(
      (ticket) =>
        (query.status === undefined || ticket.status === query.status) &&
        (query.priority === undefined || ticket.priority === query.priority) &&
        (query.after === undefined || newestFirst(query.after, ticket) < 0),
    );
    return { tickets: matching.slice(0, query.limit), hasMore: matching.length > query.limit };
  }

  /**
   * Ticket counts per group, created in `[from, to)` (ISO strings compare as instants: every
   * stored time is UTC with milliseconds): what the desk's reporting API answers.
   */
  stats(query: StatsQuery): StatsRow[] {
    const now = new Date().toISOString();
    const groups = new Map<string, StatsRow>();
    for (const ticket of this.sorted) {
      if (ticket.createdAt < query.from || ticket.createdAt >= query.to) continue;
      if (query.requesterEmail !== undefined && ticket.requesterEmail.toLowerCase() !== query.requesterEmail) continue;
      const row: StatsRow = {
        month: query.groupBy.has('month') ? ticket.createdAt.slice(0, 7) : null,
        status: query.groupBy.has('status') ? ticket.status : null,
        priority: query.groupBy.has('priority') ? ticket.priority : null,
        tickets: 0,
        overdue: 0,
      };
      const key = `${row.month}|${row.status}|${row.priority}`;
      const group = groups.get(key) ?? row;
      group.tickets++;
      if (ticket.status !== 'SOLVED' && ticket.status !== 'CLOSED' && ticket.slaDueAt < now) group.overdue++;
      groups.set(key, group);
    }
    return [...groups.values()].sort(compareStats);
  }

  /** Creates a ticket once per idempotency key; the same key with another body is a mismatch. */
  async create(key: string, input: NewTicket): Promise<CreateResult> {
    const fingerprint = JSON.stringify(input);
    // An earlier request with this key may still be writing: answer only once it is durable
    // (or rolled back, in which case this request creates the ticket).
    if (this.data.idempotency[key]) await this.writing.catch(() => undefined);
    const seen = this.data.idempotency[key];
    if (seen) {
      if (seen.fingerprint !== fingerprint) return { kind: 'mismatch' };
      return { kind: 'replayed', ticket: this.byId.get(seen.ticketId)! };
    }
    const now = new Date().toISOString();
    const ticket: Ticket = {
      id: ticketId(this.data.nextNumber),
      subject: input.subject,
      description: input.description,
      requesterEmail: input.requesterEmail,
      orderNumber: input.orderNumber,
      status: 'NEW',
      priority: input.priority,
      createdAt: now,
      updatedAt: now,
      slaDueAt: slaDueAt(now, input.priority),
    };
    const previous = this.data;
    this.data = {
      ...previous,
      nextNumber: previous.nextNumber + 1,
      tickets: [...previous.tickets, ticket],
      idempotency: { ...previous.idempotency, [key]: { fingerprint, ticketId: ticket.id } },
    };
    await this.commit(previous);
    return { kind: 'created', ticket };
  }

  async update(id: string, patch: TicketPatch): Promise<Ticket | undefined> {
    const current = this.byId.get(id);
    if (!current) return undefined;
    if (patch.status === undefined && patch.priority === undefined) return current;
    const priority = patch.priority ?? current.priority;
    const updated: Ticket = {
      ...current,
      status: patch.status ?? current.status,
      priority,
      updatedAt: new Date().toISOString(),
      slaDueAt: slaDueAt(current.createdAt, priority),
    };
    const previous = this.data;
    this.data = { ...previous, tickets: previous.tickets.map((ticket) => (ticket.id === id ? updated : ticket)) };
    await this.commit(previous);
    return updated;
  }

  /** Waits for pending writes (used on shutdown). */
  async flush(): Promise<void> {
    await this.writing;
  }

  private collect(index: Map<string, Ticket[]>, keys: readonly string[]): Ticket[] {
    const found = new Set<Ticket>();
    for (const key of keys) for (const ticket of index.get(key) ?? []) found.add(ticket);
    return [...found].sort(newestFirst);
  }

  /** Indexes the new state and makes it durable; on a failed write the old state comes back. */
  private async commit(previous: StoreFile): Promise<void> {
    this.reindex();
    try {
      await this.persist();
    } catch (error) {
      this.data = previous;
      this.reindex();
      throw error;
    }
  }

  private reindex(): void {
    this.sorted = [...this.data.tickets].sort(newestFirst);
    this.byId = new Map(this.sorted.map((ticket) => [ticket.id, ticket]));
    this.byEmail = groupBy(this.sorted, (ticket) => emailKey(ticket.requesterEmail));
    this.byOrder = groupBy(this.sorted, (ticket) => ticket.orderNumber);
  }

  private persist(): Promise<void> {
    const snapshot = JSON.stringify(this.data);
    const write = this.writing.catch(() => undefined).then(() => writeFileAtomically(this.path, snapshot));
    this.writing = write;
    return write;
  }
}

function groupBy(tickets: readonly Ticket[], key: (ticket: Ticket) => string | null): Map<string, Ticket[]> {
  const groups = new Map<string, Ticket[]>();
  for (const ticket of tickets) {
    const value = key(ticket);
    if (value === null) continue;
    const group = groups.get(value);
    if (group) group.push(ticket);
    else groups.set(value, [ticket]);
  }
  return groups;
}
