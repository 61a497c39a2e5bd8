import type { Principal } from '../../../common/contracts/internal-token.js';
import type { SeedCustomer } from '../../../systems/seed/types.js';

/** The portal preset's scopes without logistics: what the row-level tests of every subgraph call with. */
export const PORTAL_SCOPES = ['crm:read', 'pii:read', 'erp:read', 'billing:read', 'finance:read', 'support:read', 'support:write'];

/** A customer-bound portal principal, as the gateway forwards it in its internal token. */
export function portalPrincipal(customer: SeedCustomer, subject = 'portal-user-a'): Principal {
  return { subject, scopes: PORTAL_SCOPES, customerId: customer.id, email: customer.email };
}

/** Development mode adds stack traces to errors; they are not part of the contract. */
export function withoutStacktraces<T extends { errors?: Array<{ extensions?: Record<string, unknown> }> }>(body: T): T {
  for (const error of body.errors ?? []) delete error.extensions?.stacktrace;
  return body;
}
