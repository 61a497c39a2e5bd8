import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { listTickets } from './ticket-list.js';

export const Query: QueryResolvers = {
  ticket: (_root, { id }, { loaders }) => loaders.ticketById.load(id),
  tickets: async (_root, args, { client, loaders }) => {
    const connection = await listTickets(client, args);
    loaders.prime(connection.nodes);
    return connection;
  },
};
