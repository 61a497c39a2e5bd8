import { restrictedCustomer } from '../../shared/row-rules.js';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { customerPage, ownCustomerPage } from '../customer-pages.js';
import { customerByEmailFor, customerByIdFor } from '../row-rules.js';

export const Query: QueryResolvers = {
  customer: (_parent, { id }, { principal, loaders }) => customerByIdFor(principal, loaders, id),
  customerByEmail: (_parent, { email }, { principal, loaders }) => customerByEmailFor(principal, loaders, email),
  async customers(_parent, args, { principal, client, loaders, provenance }) {
    const own = restrictedCustomer(principal);
    // A portal principal's list holds its own record only; it never walks the CRM's list.
    if (own !== null) return ownCustomerPage((id) => loaders.customerById.load(id), own, args);
    const connection = await provenance.read(
      'Customer',
      (page) => page.nodes.length,
      () => customerPage(client, args),
    );
    // Later lookups of these customers in the same request (e.g. entity fetches) need no call.
    for (const customer of connection.nodes) loaders.prime(customer);
    return connection;
  },
};
