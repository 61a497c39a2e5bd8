import { subgraphError, badInput } from '../../shared/errors.js';
import type { MutationResolvers } from '../__generated__/resolvers-types.js';
import { customerChanged, customerWritten } from '../customer-cache.js';
import { ORIGIN } from '../origin.js';
import { assertMayChangeCustomer } from '../row-rules.js';
import { validateExpectedVersion, validateUpdateInput } from '../validation.js';

export const Mutation: MutationResolvers = {
  async updateCustomer(_parent, { id, expectedVersion, input }, { principal, client, loaders, cache }) {
    // Before validation too: another customer's record is refused whatever the input says.
    assertMayChangeCustomer(principal, id);
    const patch = validateUpdateInput(input);
    const result = await client.updateCustomer(id, validateExpectedVersion(expectedVersion), patch);
    switch (result.kind) {
      case 'updated':
        loaders.forget(id);
        loaders.prime(result.customer);
        // Every replica reads the new record from now on (shared store), not a stale one until its TTL.
        await customerWritten(cache, result.customer);
        return result.customer;
      case 'not_found':
        await customerChanged(cache, id);
        throw subgraphError('NOT_FOUND', `no customer ${id}`, ORIGIN, { field: 'id' });
      case 'conflict':
        // The client may have read the version from the cache: the next read must ask the CRM.
        await customerChanged(cache, id);
        throw subgraphError('CONFLICT', 'the customer changed since it was read; read it again and retry', ORIGIN, {
          field: 'expectedVersion',
          currentVersion: result.currentVersion,
        });
      case 'duplicate_email':
        throw badInput(ORIGIN, 'input.email', 'another customer already uses this email');
      case 'invalid':
        throw badInput(ORIGIN, `input.${result.field}`, result.message);
    }
  },
};
