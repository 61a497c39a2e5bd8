import { aggregateAnswer, readGroupBy, readPeriod, readRowLimit } from '../../shared/aggregates.js';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { ORIGIN } from '../origin.js';
import { ownTicket, requesterOf } from '../row-rules.js';
import { listRequesterTickets, listTickets } from './ticket-list.js';

export const Query: QueryResolvers = {
  ticket: async (_root, { id }, { principal, loaders }) => ownTicket(principal, await loaders.ticketById.load(id)),
  tickets: async (_root, args, { principal, client, loaders, provenance }) => {
    // A portal principal lists only the tickets it requested; it never walks the desk's list.
    const requester = requesterOf(principal);
    if (requester !== undefined) return listRequesterTickets(loaders, requester, args);
    const connection = await provenance.read(
      'Ticket',
      (page) => page.nodes.length,
      () => listTickets(client, args),
    );
    loaders.prime(connection.nodes);
    return connection;
  },
  // Counted by the desk; the arguments are checked before it is asked.
  ticketStats: async (_root, args, { principal, client, provenance }) => {
    const requesterEmail = requesterOf(principal);
    const period = readPeriod(args, ORIGIN);
    const groupBy = readGroupBy(args.groupBy, ['STATUS'], ORIGIN);
    const limit = readRowLimit(args.first, ORIGIN);
    const rows = await provenance.read(
      'Ticket',
      (found) => found.length,
      () => client.ticketStats({ ...period, groupBy, requesterEmail }),
    );
    return aggregateAnswer(period, groupBy, rows, limit, (row) => row);
  },
};
