import { SignJWT } from 'jose';
import { keyFiles, loadOrCreateSigningKey, type SigningKey } from './key-files.js';

/**
 * The embedded development issuer: an ES256 key pair under `<dataDir>/keys/dev-issuer.*`, created
 * by whichever comes first (`npm start`'s gateway, `npm run token`, a test). The gateway trusts it
 * only when no `JWT_JWKS_URL` is configured and never in production.
 */
export function loadDevIssuer(dataDir: string): Promise<SigningKey> {
  return loadOrCreateSigningKey(keyFiles(dataDir, 'dev-issuer'), 'ES256');
}

export interface UserTokenClaims {
  issuer: string;
  audience: string;
  subject: string;
  scopes: readonly string[];
  /** Claim names, as the gateway reads them (`JWT_SCOPE_CLAIM`, `JWT_CUSTOMER_CLAIM`, `JWT_EMAIL_CLAIM`). */
  scopeClaim?: string;
  customerClaim?: string;
  emailClaim?: string;
  customerId?: string;
  email?: string;
  ttlSeconds: number;
  /** Seconds since the epoch; tests move it to make expired or not-yet-valid tokens. @default now */
  issuedAt?: number;
  notBefore?: number;
}

/** Signs a user token with the dev issuer's key, as an identity provider would issue it. */
export function signUserToken(key: SigningKey, claims: UserTokenClaims): Promise<string> {
  const issuedAt = claims.issuedAt ?? Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { [claims.scopeClaim ?? 'scope']: claims.scopes.join(' ') };
  if (claims.customerId !== undefined) payload[claims.customerClaim ?? 'customer_id'] = claims.customerId;
  if (claims.email !== undefined) payload[claims.emailClaim ?? 'email'] = claims.email;
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(claims.issuer)
    .setAudience(claims.audience)
    .setSubject(claims.subject)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + claims.ttlSeconds);
  if (claims.notBefore !== undefined) jwt.setNotBefore(claims.notBefore);
  return jwt.sign(key.privateKey);
}
