import DataLoader from 'dataloader';
import { groupBy } from '../../common/group-by.js';
import type { EntityCache } from '../shared/entity-cache/cache.js';
import type { StaleIfErrorReport } from '../shared/entity-cache/report.js';
import type { ProvenanceRecorder } from '../shared/provenance.js';
import type { TicketModel } from './models.js';
import { DESK_BATCH_SIZE, type SupportClient } from './support-client.js';
import { normaliseEmail, TICKET, TICKETS_BY_ORDER, TICKETS_BY_REQUESTER } from './ticket-cache.js';

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

/**
 * Under the loaders sits the shared entity cache: only keys it cannot answer reach the desk, still
 * in one call per 100 keys. Row-level rules run above, on whatever these return.
 */
export function createLoaders(client: SupportClient, cache: EntityCache, report: StaleIfErrorReport, provenance: ProvenanceRecorder): SupportLoaders {
  const ticketById = new DataLoader<string, TicketModel | null>(
    async (ids) => {
      const results = await cache.loadMany<TicketModel>(
        TICKET,
        ids,
        async (missing) => {
          const byId = new Map((await client.ticketsByIds(missing)).map((ticket) => [ticket.id, ticket]));
          return new Map(missing.map((id) => [id, byId.get(id) ?? null]));
        },
        report,
      );
      provenance.loaded(TICKET, results);
      return results.map((result) => (result instanceof Error ? result : result.value));
    },
    { maxBatchSize: DESK_BATCH_SIZE },
  );
  const prime = (tickets: readonly TicketModel[]) => tickets.forEach((ticket) => ticketById.prime(ticket.id, ticket));

  /**
   * A list loader over the cache: lists are cached as ids; a missing list comes from one batched
   * desk call (which also refreshes its tickets), a cached one from the tickets' own entries.
   */
  const listLoader =
    (type: string, fetchAll: (keys: string[]) => Promise<TicketModel[]>, keyOf: (ticket: TicketModel) => string | null) =>
    async (keys: readonly string[]): Promise<Array<TicketModel[] | Error>> => {
      const fetched = new Map<string, TicketModel>();
      const lists = await cache.loadMany<string[]>(
        type,
        keys,
        async (missing) => {
          const tickets = await fetchAll(missing);
          for (const ticket of tickets) fetched.set(ticket.id, ticket);
          await cache.setMany(
            TICKET,
            tickets.map((ticket) => [ticket.id, ticket] as const),
          );
          const groups = groupBy(tickets, keyOf);
          return new Map(missing.map((key) => [key, (groups.get(key) ?? []).map((ticket) => ticket.id)]));
        },
        report,
      );
      // A list is as old as its cached ids; tickets loaded by id below record their own age.
      provenance.loaded(TICKET, lists);
      prime([...fetched.values()]);
      return Promise.all(
        lists.map(async (result, i) => {
          if (result instanceof Error) return result;
          try {
            const tickets = await Promise.all((result.value ?? []).map((id) => fetched.get(id) ?? ticketById.load(id)));
            // A list only ever answers tickets that belong to its key, whatever an old entry says.
            return tickets.filter((ticket): ticket is TicketModel => ticket !== null && keyOf(ticket) === keys[i]);
          } catch (error) {
            return error as Error;
          }
        }),
      );
    };

  const byRequester = listLoader(
    TICKETS_BY_REQUESTER,
    (emails) => client.ticketsByRequesterEmails(emails),
    (ticket) => normaliseEmail(ticket.requesterEmail),
  );
  const ticketsByRequesterEmail = new DataLoader<string, TicketModel[], string>((emails) => byRequester(emails.map(normaliseEmail)), {
    maxBatchSize: DESK_BATCH_SIZE,
    cacheKeyFn: normaliseEmail,
  });

  const ticketsByOrderNumber = new DataLoader<string, TicketModel[]>(
    listLoader(
      TICKETS_BY_ORDER,
      (numbers) => client.ticketsByOrderNumbers(numbers),
      (ticket) => ticket.orderNumber,
    ),
    { maxBatchSize: DESK_BATCH_SIZE },
  );

  return { ticketById, ticketsByRequesterEmail, ticketsByOrderNumber, prime };
}
