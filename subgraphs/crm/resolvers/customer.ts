import type { CustomerResolvers } from '../__generated__/resolvers-types.js';
import { customerByEmailFor, customerByIdFor } from '../row-rules.js';

export const Customer: CustomerResolvers = {
  /**
   * The gateway sends either key; both go through the batching loaders (null when unknown) and
   * the row-level rule (FORBIDDEN for another customer's record).
   */
  __resolveReference(reference, { principal, loaders }) {
    if ('id' in reference && typeof reference.id === 'string') return customerByIdFor(principal, loaders, reference.id);
    if ('email' in reference && typeof reference.email === 'string') return customerByEmailFor(principal, loaders, reference.email);
    return null;
  },
};
