import { createHash } from 'node:crypto';
import type { GatewayPrincipal } from '../../context.js';

/**
 * The part of a cache key that says who may receive a cached answer, or `null` when the caller
 * cannot be identified consistently (the answer is then neither read from nor written to the cache).
 *
 * - Anonymous callers share one identity of their own.
 * - Otherwise every scope the caller holds, sorted: scopes decide which fields the gateway filters
 *   and which requests the subgraphs' own edge checks accept (they see all scopes, not only the
 *   policy's), so callers with equal scopes get equal answers…
 * - …unless the principal carries row-level claims (`customerId` or `email`): the owning subgraphs
 *   then return only that customer's rows, so the subject and both claims join the key. Two portal
 *   tokens of one subject for different customers never share an entry.
 *
 * Not identifiable: a context without a principal slot (not built by the gateway's context
 * function), a subject that is not a non-empty string, scopes that are not strings, claims of
 * another type. The result is a sha256, so no claim is stored in clear in a shared store.
 */
export function cacheIdentity(context: { principal?: GatewayPrincipal | null }): string | null {
  if (!('principal' in context) || context.principal === undefined) return null;
  const principal: unknown = context.principal;
  if (principal === null) return hash(['anonymous']);
  const { subject, scopes, customerId, email } = principal as Partial<Record<keyof GatewayPrincipal, unknown>>;
  if (typeof subject !== 'string' || subject === '') return null;
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string')) return null;
  if ((customerId !== undefined && typeof customerId !== 'string') || (email !== undefined && typeof email !== 'string')) return null;
  const held = [...new Set(scopes as string[])].sort();
  const rowLevel = customerId !== undefined || email !== undefined;
  return hash(rowLevel ? ['row-level', held, subject, customerId ?? null, email ?? null] : ['scopes', held]);
}

function hash(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
