import type { CustomerResolvers } from '../__generated__/resolvers-types.js';
import { normalizeEmail } from '../loaders.js';

export const Customer: CustomerResolvers = {
  /** The gateway sends either key; both go through the batching loaders (null when unknown). */
  __resolveReference(reference, { loaders }) {
    if ('id' in reference && typeof reference.id === 'string') return loaders.customerById.load(reference.id);
    if ('email' in reference && typeof reference.email === 'string') return loaders.customerByEmail.load(normalizeEmail(reference.email));
    return null;
  },
};
