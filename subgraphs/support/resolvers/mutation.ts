import { subgraphError } from '../../shared/errors.js';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { ORIGIN } from '../origin.js';
import { assertRequester, requesterOf } from '../row-rules.js';
import { ticketWritten } from '../ticket-cache.js';
import { validateOpenTicket } from './validate.js';

export const Mutation: MutationResolvers = {
  openTicket: async (_root, { input }, { principal, client, loaders, cache }) => {
    // A portal principal opens tickets only as itself; checked before anything reaches the desk.
    assertRequester(principal, input.requesterEmail, 'tickets', { field: 'input.requesterEmail' });
    const { idempotencyKey, ticket } = validateOpenTicket(input);
    const opened = await client.openTicket(idempotencyKey, ticket);
    loaders.prime([opened.ticket]);
    // The requester's and the order's cached lists lack the new ticket: every replica reads them again.
    await ticketWritten(cache, opened.ticket);
    return opened.ticket;
  },
  updateTicket: async (_root, { id, input }, { principal, client, loaders, cache }) => {
    // The requester is known only from the ticket: a portal principal's update reads it first.
    if (requesterOf(principal) !== undefined) {
      const current = await loaders.ticketById.load(id);
      if (!current) throw subgraphError('NOT_FOUND', `no ticket ${id}`, ORIGIN, { field: 'id' });
      assertRequester(principal, current.requesterEmail, 'ticket', { field: 'id' });
    }
    const updated = await client.updateTicket(id, { status: input.status ?? undefined, priority: input.priority ?? undefined });
    if (!updated) throw subgraphError('NOT_FOUND', `no ticket ${id}`, ORIGIN, { field: 'id' });
    loaders.ticketById.clear(id).prime(id, updated);
    await ticketWritten(cache, updated);
    return updated;
  },
};
