import { hash } from 'node:crypto';
import type { GatewayPrincipal } from '../context.js';

/**
 * Principals of tokens already verified, so a client's next request with the same token costs a
 * hash instead of a signature check (an ES256/RS256 verify was the gateway's largest single cost
 * per light request). Keyed by the token's SHA-256, never the token itself.
 *
 * An entry lives until the token's own expiry (plus the clock tolerance jose would allow) and at
 * most `maxAgeMs`: a key the identity provider withdraws stops being honoured within that bound.
 * Only successful verifications are kept; a refused token is checked again every time.
 */
export interface VerifiedTokenCache {
  get(token: string, nowMs?: number): GatewayPrincipal | undefined;
  set(token: string, principal: GatewayPrincipal, expiresAtSeconds: number, nowMs?: number): void;
  size(): number;
}

export interface VerifiedTokenCacheOptions {
  /** Most entries kept; the least recently used goes first. */
  maxEntries: number;
  /** Longest time a verification is reused, whatever the token's expiry. */
  maxAgeMs: number;
  /** Seconds past `exp` a token is still accepted (the verifier's clock tolerance). */
  clockToleranceSeconds: number;
}

interface Entry {
  principal: GatewayPrincipal;
  until: number;
}

export function createVerifiedTokenCache(options: VerifiedTokenCacheOptions): VerifiedTokenCache {
  const entries = new Map<string, Entry>();
  // One-shot `hash`: half the cost of a Hash object, paid on every request.
  const keyOf = (token: string) => hash('sha256', token, 'base64url');
  return {
    get(token, nowMs = Date.now()) {
      const key = keyOf(token);
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.until <= nowMs) return undefined;
      // Re-inserted: the Map's order makes the first key the least recently used.
      entries.set(key, entry);
      return entry.principal;
    },
    set(token, principal, expiresAtSeconds, nowMs = Date.now()) {
      const until = Math.min((expiresAtSeconds + options.clockToleranceSeconds) * 1000, nowMs + options.maxAgeMs);
      if (until <= nowMs || options.maxEntries === 0) return;
      const key = keyOf(token);
      entries.delete(key);
      entries.set(key, { principal, until });
      if (entries.size > options.maxEntries) entries.delete(entries.keys().next().value!);
    },
    size: () => entries.size,
  };
}
