import { decodeJwt, type JWTPayload } from 'jose';
import { DEFAULT_PORTAL_CUSTOMER, isPresetName, PRESETS } from '../../gateway/src/auth/presets.js';
import { generateDataset, readSeedOptions } from '../../systems/seed/generate.js';
import type { ExplainPrincipal } from './scopes-explain.js';

/** A bad `explain` input: the CLI prints it with the usage and exits 2. */
export class PrincipalError extends Error {
  override name = 'PrincipalError';
}

/** Space- or comma-separated scope names, de-duplicated, in the order given. */
export function parseScopeList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

export function principalFromScopes(text: string): ExplainPrincipal {
  return { origin: '--scopes', authenticated: true, scopes: parseScopeList(text), notes: [] };
}

export function anonymousPrincipal(): ExplainPrincipal {
  return { origin: '--anonymous', authenticated: false, scopes: [], notes: [] };
}

/** Claim names, read from the same variables the gateway reads (DESIGN.md / the security brief). */
export interface ClaimNames {
  /** null: `scope` (space-separated), else `scp` (array). */
  scope: string | null;
  customer: string;
  email: string;
}

export function claimNamesFromEnv(env: Record<string, string | undefined>): ClaimNames {
  return { scope: env.JWT_SCOPE_CLAIM || null, customer: env.JWT_CUSTOMER_CLAIM || 'customer_id', email: env.JWT_EMAIL_CLAIM || 'email' };
}

/**
 * As the gateway reads it (gateway/src/auth/authenticate.ts, not exported there): absent → no
 * scopes, a space-separated string or an array of strings, anything else → undefined (refused).
 */
function scopesOfClaim(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  if (typeof value === 'string') return [...new Set(value.split(' ').filter(Boolean))];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return [...new Set(value as string[])];
  return undefined;
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Reads a token's claims WITHOUT verifying it: explain answers "what would this token grant",
 * and must work on tokens from any issuer. The note says so wherever the result is printed.
 */
export function principalFromToken(token: string, claims: ClaimNames, now = Date.now()): ExplainPrincipal {
  let payload: JWTPayload;
  try {
    payload = decodeJwt(token.trim().replace(/^Bearer\s+/i, ''));
  } catch (error) {
    throw new PrincipalError(`--token is not a JWT: ${(error as Error).message}`);
  }
  const scopeValue = claims.scope !== null ? payload[claims.scope] : (payload.scope ?? payload.scp);
  const notes = ['token DECODED, NOT VERIFIED: its signature, issuer, audience and expiry were not checked'];
  const scopes = scopesOfClaim(scopeValue);
  if (scopes === undefined) notes.push('its scope claim is neither a string nor a list of strings: the gateway would answer 401');
  if (typeof payload.exp === 'number' && payload.exp * 1000 < now) notes.push(`the token expired at ${new Date(payload.exp * 1000).toISOString()}: the gateway would answer 401`);
  if (typeof payload.iss === 'string') notes.push(`issuer: ${payload.iss}`);
  return {
    origin: 'token',
    authenticated: true,
    scopes: scopes ?? [],
    ...(payload.sub !== undefined && { subject: payload.sub }),
    ...optional('customerId', stringClaim(payload, claims.customer)),
    ...optional('email', stringClaim(payload, claims.email)),
    notes,
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/** A preset from gateway/src/auth/presets.ts; `portal` is bound to a seeded customer and its email. */
export function principalFromPreset(name: string, customer: string | undefined, env: Record<string, string | undefined>): ExplainPrincipal {
  if (!isPresetName(name)) throw new PrincipalError(`unknown preset "${name}" (known: ${Object.keys(PRESETS).join(', ')})`);
  const preset = PRESETS[name];
  const principal: ExplainPrincipal = { origin: `preset ${name}`, authenticated: true, scopes: [...preset.scopes], notes: [] };
  if (!preset.customerBound) {
    if (customer !== undefined) throw new PrincipalError(`--customer applies to the portal preset only, not "${name}"`);
    return principal;
  }
  const customerId = customer ?? DEFAULT_PORTAL_CUSTOMER;
  const seeded = generateDataset(readSeedOptions(env)).customers.find((candidate) => candidate.id === customerId);
  if (!seeded) throw new PrincipalError(`--customer ${customerId}: no such customer in the seed dataset`);
  return { ...principal, customerId, email: seeded.email };
}
