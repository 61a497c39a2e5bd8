import { SignJWT, type JSONWebKeySet } from 'jose';
import type { GatewayPrincipal } from '../context.js';
import { keyFiles, loadOrCreateSigningKey, type SigningKey } from './key-files.js';
import { loadSigningKeyFiles, type SigningKeyFiles } from './signing-key-file.js';

import { INTERNAL_ISSUER, internalClaimsOf } from '../../../common/contracts/internal-token.js';

export { INTERNAL_ISSUER };
/** Lifetime of an internal token: short, because a leaked one works against a subgraph directly. */
export const INTERNAL_TOKEN_TTL_SECONDS = 60;
/** A cached token is replaced this long before it expires, so none expires in flight. */
const RENEW_BEFORE_SECONDS = 10;
/** Distinct (principal, audience) pairs kept; the oldest go first beyond it. */
const MAX_CACHED = 10_000;

/** Who the gateway's readiness probe calls as: itself, with no scopes. */
export const GATEWAY_SERVICE_PRINCIPAL: GatewayPrincipal = { subject: INTERNAL_ISSUER, scopes: [] };

let signatures = 0;
/** Internal tokens signed by this process since it started (tests read it to prove the cache works). */
export function internalSignatureCount(): number {
  return signatures;
}

export interface InternalTokenSigner {
  /** A token for `audience` (a subgraph name) on behalf of `principal` (`null`: anonymous caller). */
  tokenFor(principal: GatewayPrincipal | null, audience: string): Promise<string>;
  /**
   * The token `tokenFor` would resolve with when it is signed and cached already, else undefined:
   * the data source's fast path, which spares every fetch a promise and an await.
   */
  cachedToken?(principal: GatewayPrincipal | null, audience: string): string | undefined;
  /** The public keys subgraphs verify with: the signing key's and any `GATEWAY_VERIFICATION_KEYS_FILE` holds (a data-dir key is also written to `<dataDir>/keys/gateway-internal.jwks.json`). */
  jwks: JSONWebKeySet;
}

export interface InternalTokenOptions {
  dataDir: string;
  /** `GATEWAY_SIGNING_KEY_FILE` / `GATEWAY_VERIFICATION_KEYS_FILE`; unset → a key created under `<dataDir>/keys`. */
  keyFiles?: SigningKeyFiles;
  /** Milliseconds since the epoch. @default Date.now */
  now?: () => number;
}

/**
 * Signs the short-lived tokens the gateway sends to subgraphs (EdDSA with the gateway's own key:
 * from `GATEWAY_SIGNING_KEY_FILE`, shared by every replica, else created under the data dir on first use). Tokens are cached per principal and audience and
 * reused until shortly before they expire, so in steady state a request costs a map lookup, not a
 * signature; concurrent requests for a missing token share one signing.
 */
export async function createInternalTokenSigner(options: InternalTokenOptions): Promise<InternalTokenSigner> {
  const key = options.keyFiles ? await loadSigningKeyFiles(options.keyFiles) : await loadOrCreateSigningKey(keyFiles(options.dataDir, 'gateway-internal'), 'EdDSA');
  const now = options.now ?? Date.now;
  const cache = new Map<string, CachedToken>();
  const keyOf = cacheKeys();
  return {
    jwks: key.jwks,
    tokenFor(principal, audience) {
      const cacheKey = keyOf(principal, audience);
      const cached = cache.get(cacheKey);
      const issuedAt = Math.floor(now() / 1000);
      if (cached && issuedAt < cached.renewAt) return cached.token;
      const token = sign(key, principal, audience, issuedAt);
      const entry: CachedToken = { token, renewAt: issuedAt + INTERNAL_TOKEN_TTL_SECONDS - RENEW_BEFORE_SECONDS, value: undefined };
      // Re-inserted so Map order is signing order: the longest-lived entry is the first to evict.
      cache.delete(cacheKey);
      cache.set(cacheKey, entry);
      if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
      token.then(
        (value) => (entry.value = value),
        () => cache.delete(cacheKey),
      );
      return token;
    },
    cachedToken(principal, audience) {
      const cached = cache.get(keyOf(principal, audience));
      return cached && Math.floor(now() / 1000) < cached.renewAt ? cached.value : undefined;
    },
  };
}

interface CachedToken {
  token: Promise<string>;
  /** Epoch seconds from which the token is signed anew. */
  renewAt: number;
  /** The token once signed, for `cachedToken`. */
  value: string | undefined;
}

/**
 * The cache key of a principal and an audience: every field a token carries, JSON-encoded so no two
 * principals share one. Built once per principal object and audience, not per call: a verified
 * principal is one object for as long as its token is cached (`verified-tokens.ts`), is never
 * changed, and a request's fetches all share it.
 */
function cacheKeys(): (principal: GatewayPrincipal | null, audience: string) => string {
  const byPrincipal = new WeakMap<GatewayPrincipal, Map<string, string>>();
  const anonymous = new Map<string, string>();
  return (principal, audience) => {
    let byAudience = principal ? byPrincipal.get(principal) : anonymous;
    if (!byAudience) byPrincipal.set(principal!, (byAudience = new Map()));
    let cacheKey = byAudience.get(audience);
    if (cacheKey === undefined) {
      cacheKey = JSON.stringify([audience, principal?.subject, principal?.scopes, principal?.customerId, principal?.email]);
      byAudience.set(audience, cacheKey);
    }
    return cacheKey;
  };
}

function sign(key: SigningKey, principal: GatewayPrincipal | null, audience: string, issuedAt: number): Promise<string> {
  signatures++;
  return new SignJWT(internalClaimsOf(principal))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(INTERNAL_ISSUER)
    .setAudience(audience)
    .setSubject(principal?.subject ?? 'anonymous')
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + INTERNAL_TOKEN_TTL_SECONDS)
    .sign(key.privateKey);
}
