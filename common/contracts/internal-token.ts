/**
 * The internal-token contract between the gateway (signer) and the subgraphs (verifiers): the
 * gateway verifies the caller's JWT, then sends each subgraph a short-lived token of its own
 * (EdDSA, `aud` = the subgraph) carrying the principal below.
 */

/** `iss` of every internal token; subgraphs accept no other. */
export const INTERNAL_ISSUER = 'bizgraph-gateway';

/**
 * The verified caller: filled from the user's JWT at the gateway, carried to the subgraphs in the
 * internal token, read there from the context and never reshaped.
 */
export interface Principal {
  subject: string;
  scopes: readonly string[];
  /** Set for portal principals: row-level rules restrict data to this customer. */
  customerId?: string;
  email?: string;
}

/**
 * The claims an internal token carries besides `iss`, `aud`, `sub`, `iat` and `exp`: space-separated
 * `scope`, `customer_id` and `email` for a principal, `anon: true` for an anonymous caller.
 */
export function internalClaimsOf(principal: Principal | null): Record<string, unknown> {
  if (!principal) return { anon: true };
  return {
    ...(principal.scopes.length ? { scope: principal.scopes.join(' ') } : {}),
    ...(principal.customerId !== undefined ? { customer_id: principal.customerId } : {}),
    ...(principal.email !== undefined ? { email: principal.email } : {}),
  };
}

/** The principal a verified internal token names (`null`: anonymous at the gateway). */
export function principalFromClaims(claims: { sub?: string; [claim: string]: unknown }): Principal | null {
  if (claims.anon === true) return null;
  const { scope, customer_id: customerId, email } = claims;
  return {
    subject: claims.sub ?? '',
    scopes: typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [],
    ...(typeof customerId === 'string' ? { customerId } : {}),
    ...(typeof email === 'string' ? { email } : {}),
  };
}
