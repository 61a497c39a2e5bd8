import { HeaderMap } from '@apollo/server';
import { httpStatusOf } from '../../../common/contracts/errors.js';
import { GraphQLError } from 'graphql';
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { GatewayPrincipal } from '../context.js';
import { log } from '../log.js';
import type { AuthConfig } from './config.js';
import { createVerifiedTokenCache } from './verified-tokens.js';

/**
 * Asymmetric algorithms only: `none` and HMAC are refused before any key is looked up, so a token
 * "signed" with nothing, or HS256-signed with the issuer's public key as the secret, never verifies.
 */
export const USER_TOKEN_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

const BEARER = /^Bearer +(\S+) *$/i;

export interface Authenticator {
  /**
   * The caller from the `Authorization` header: `null` (anonymous) when there is none, else the
   * verified principal. Anything else throws `UNAUTHENTICATED` (HTTP 401) with a short reason.
   */
  authenticate(authorization: string | undefined, requestId?: string): Promise<GatewayPrincipal | null>;
}

export function createAuthenticator(config: AuthConfig, getKey: JWTVerifyGetKey): Authenticator {
  const verifyOptions = {
    algorithms: USER_TOKEN_ALGORITHMS,
    issuer: config.issuer,
    audience: config.audience,
    clockTolerance: config.clockToleranceSeconds,
    requiredClaims: ['sub', 'exp'],
  };
  const verified = createVerifiedTokenCache({
    maxEntries: config.verifiedTokenCacheSize,
    maxAgeMs: 60_000,
    clockToleranceSeconds: config.clockToleranceSeconds,
  });
  return {
    async authenticate(authorization, requestId) {
      if (authorization === undefined) return null;
      // Measured before the regex or any decoding: an oversized header costs nothing to refuse.
      if (authorization.length > config.maxTokenBytes + 16) throw refuse('token too large', requestId);
      const token = BEARER.exec(authorization)?.[1];
      if (!token) throw refuse('expected "Authorization: Bearer <token>"', requestId);
      if (Buffer.byteLength(token) > config.maxTokenBytes) throw refuse('token too large', requestId);
      const known = verified.get(token);
      if (known) return known;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, verifyOptions));
      } catch (error) {
        throw refuse(reasonFor(error), requestId, error);
      }
      const principal = principalFrom(payload, config, requestId);
      // `exp` is a required claim, checked by jwtVerify above.
      verified.set(token, principal, payload.exp!);
      return principal;
    },
  };
}

function principalFrom(payload: JWTPayload, config: AuthConfig, requestId: string | undefined): GatewayPrincipal {
  const scopes = readScopes(payload, config.scopeClaim);
  if (scopes === undefined) throw refuse('invalid scope claim', requestId);
  const customerId = payload[config.customerClaim];
  const email = payload[config.emailClaim];
  return {
    subject: payload.sub!,
    scopes,
    ...(typeof customerId === 'string' ? { customerId } : {}),
    ...(typeof email === 'string' ? { email } : {}),
  };
}

/**
 * Scopes from the configured claim, else `scope` (OAuth's space-separated string), else `scp`
 * (an array at most IdPs, a space-separated string at some). Absent → no scopes;
 * present with another type → undefined (the token is refused rather than guessed at).
 */
function readScopes(payload: JWTPayload, claim: string | undefined): string[] | undefined {
  const value = claim !== undefined ? payload[claim] : (payload.scope ?? payload.scp);
  if (value === undefined) return [];
  if (typeof value === 'string') return [...new Set(value.split(' ').filter(Boolean))];
  if (Array.isArray(value) && value.every((scope) => typeof scope === 'string')) return [...new Set(value as string[])];
  return undefined;
}

/** A short reason for the client; jose's own messages are not passed on (they can quote claims). */
function reasonFor(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'token not yet valid';
    if (error.claim === 'iss') return error.reason === 'missing' ? 'missing issuer' : 'wrong issuer';
    if (error.claim === 'aud') return error.reason === 'missing' ? 'missing audience' : 'wrong audience';
    if (error.claim === 'iat') return 'issued in the future';
    return error.reason === 'missing' ? `missing "${error.claim}" claim` : `invalid "${error.claim}" claim`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return 'algorithm not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (error instanceof errors.JWKSNoMatchingKey) return 'unknown signing key';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'ambiguous signing key';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'malformed token';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || !(error instanceof errors.JOSEError)) return 'signing keys unavailable';
  return 'invalid token';
}

function refuse(reason: string, requestId: string | undefined, cause?: unknown): GraphQLError {
  // The log keeps jose's detail (never the token); the client gets the reason only.
  log('warn', 'authentication failed', { requestId, reason, ...(cause ? { detail: (cause as Error).message } : {}) });
  return new GraphQLError(`Invalid bearer token: ${reason}`, {
    extensions: {
      code: 'UNAUTHENTICATED',
      http: {
        status: httpStatusOf('UNAUTHENTICATED'),
        headers: new HeaderMap([['www-authenticate', `Bearer error="invalid_token", error_description="${reason.replace(/"/g, "'")}"`]]),
      },
    },
  });
}
