import { subgraphError } from '../../shared/errors.js';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { ORIGIN } from '../origin.js';
import { validateOpenTicket } from './validate.js';

export const Mutation: MutationResolvers = {
  openTicket: async (_root, { input }, { client, loaders }) => {
    const { idempotencyKey, ticket } = validateOpenTicket(input);
    const opened = await client.openTicket(idempotencyKey, ticket);
    loaders.prime([opened.ticket]);
    return opened.ticket;
  },
  updateTicket: async (_root, { id, input }, { client, loaders }) => {
    const updated = await client.updateTicket(id, { status: input.status ?? undefined, priority: input.priority ?? undefined });
    if (!updated) throw subgraphError('NOT_FOUND', `no ticket ${id}`, ORIGIN, { field: 'id' });
    loaders.ticketById.clear(id).prime(id, updated);
    return updated;
  },
};
