import DataLoader from 'dataloader';
import type { TicketModel } from './models.js';
import { DESK_BATCH_SIZE, type SupportClient } from './support-client.js';

/** Per-request loaders: every lookup made while resolving one operation shares a desk call. */
export interface SupportLoaders {
  ticketById: DataLoader<string, TicketModel | null>;
  /** All tickets of a requester, newest first; keys compare case-insensitively. */
  ticketsByRequesterEmail: DataLoader<string, TicketModel[]>;
  /** All tickets naming an order number, newest first. */
  ticketsByOrderNumber: DataLoader<string, TicketModel[]>;
  /** Records tickets fetched some other way (lists, writes), so later lookups by id need no call. */
  prime(tickets: readonly TicketModel[]): void;
}

const normaliseEmail = (email: string) => email.toLowerCase();

/** Groups tickets (already newest first from the desk) by `key`, keeping their order. */
function groupBy(tickets: readonly TicketModel[], key: (ticket: TicketModel) => string | null): Map<string, TicketModel[]> {
  const groups = new Map<string, TicketModel[]>();
  for (const ticket of tickets) {
    const value = key(ticket);
    if (value === null) continue;
    const group = groups.get(value);
    if (group) group.push(ticket);
    else groups.set(value, [ticket]);
  }
  return groups;
}

export function createLoaders(client: SupportClient): SupportLoaders {
  const ticketById = new DataLoader<string, TicketModel | null>(
    async (ids) => {
      const byId = new Map((await client.ticketsByIds(ids)).map((ticket) => [ticket.id, ticket]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    { maxBatchSize: DESK_BATCH_SIZE },
  );
  const prime = (tickets: readonly TicketModel[]) => tickets.forEach((ticket) => ticketById.prime(ticket.id, ticket));

  const ticketsByRequesterEmail = new DataLoader<string, TicketModel[], string>(
    async (emails) => {
      const tickets = await client.ticketsByRequesterEmails(emails);
      prime(tickets);
      const groups = groupBy(tickets, (ticket) => normaliseEmail(ticket.requesterEmail));
      return emails.map((email) => groups.get(normaliseEmail(email)) ?? []);
    },
    { maxBatchSize: DESK_BATCH_SIZE, cacheKeyFn: normaliseEmail },
  );

  const ticketsByOrderNumber = new DataLoader<string, TicketModel[]>(
    async (numbers) => {
      const tickets = await client.ticketsByOrderNumbers(numbers);
      prime(tickets);
      const groups = groupBy(tickets, (ticket) => ticket.orderNumber);
      return numbers.map((number) => groups.get(number) ?? []);
    },
    { maxBatchSize: DESK_BATCH_SIZE },
  );

  return { ticketById, ticketsByRequesterEmail, ticketsByOrderNumber, prime };
}
