import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { customerPage } from '../customer-pages.js';
import { normalizeEmail } from '../loaders.js';

export const Query: QueryResolvers = {
  customer: (_parent, { id }, { loaders }) => loaders.customerById.load(id),
  customerByEmail: (_parent, { email }, { loaders }) => loaders.customerByEmail.load(normalizeEmail(email)),
  async customers(_parent, args, { crm, loaders }) {
    const connection = await customerPage(crm, args);
    // Later lookups of these customers in the same request (e.g. entity fetches) need no call.
    for (const customer of connection.nodes) loaders.prime(customer);
    return connection;
  },
};
