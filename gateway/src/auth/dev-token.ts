import { DEV_AUDIENCE, DEV_ISSUER, type AuthConfig } from './config.js';
import { loadDevIssuer, signUserToken } from './dev-issuer.js';
import { DEFAULT_PORTAL_CUSTOMER, PRESETS, type PresetName } from './presets.js';

/** What `npm run token` and the tests' `devToken()` ask the dev issuer for. */
export interface DevTokenRequest {
  /** A development preset (DESIGN.md); `portal` adds `customer_id` and `email`. */
  preset?: PresetName;
  /** Explicit scopes instead of a preset. */
  scopes?: readonly string[];
  /** `sub`. @default `dev-<preset>` or `dev-user` */
  sub?: string;
  /** Binds the token to a seeded customer (`customer_id` + that customer's `email`). @default cus_0001 for portal */
  customer?: string;
  /** @default 3600 */
  ttlSeconds?: number;
}

/** A request the dev issuer cannot serve (unknown customer, …): the CLI prints it and exits 2. */
export class DevTokenError extends Error {
  override name = 'DevTokenError';
}

export type ClaimSettings = Pick<AuthConfig, 'issuer' | 'audience' | 'scopeClaim' | 'customerClaim' | 'emailClaim'>;

const DEFAULT_CLAIMS: ClaimSettings = { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, customerClaim: 'customer_id', emailClaim: 'email' };

export const DEFAULT_TTL_SECONDS = 3600;

/** Looks up a customer's email; undefined for an unknown customer id. */
export type EmailLookup = (customerId: string) => string | undefined;

/**
 * Signs a token with the dev issuer key in `<dataDir>/keys` (created if missing). The caller
 * supplies the customer's email (`npm run token` and the tests read the seed dataset the stack
 * serves), so the support subgraph's email-based row rule matches the CRM's customer; the
 * gateway itself knows nothing of seed data.
 */
export async function issueDevToken(dataDir: string, request: DevTokenRequest, emailOf: EmailLookup, claims: ClaimSettings = DEFAULT_CLAIMS): Promise<string> {
  if (!request.preset === !request.scopes) throw new DevTokenError('give either a preset or scopes');
  const preset = request.preset ? PRESETS[request.preset] : undefined;
  const customerId = request.customer ?? (preset?.customerBound ? DEFAULT_PORTAL_CUSTOMER : undefined);
  const email = customerId === undefined ? undefined : emailOf(customerId);
  if (customerId !== undefined && email === undefined) throw new DevTokenError(`unknown customer "${customerId}"`);
  const key = await loadDevIssuer(dataDir);
  return signUserToken(key, {
    ...claims,
    subject: request.sub ?? (request.preset ? `dev-${request.preset}` : 'dev-user'),
    scopes: preset?.scopes ?? request.scopes ?? [],
    ...(customerId !== undefined ? { customerId, email } : {}),
    ttlSeconds: request.ttlSeconds ?? DEFAULT_TTL_SECONDS,
  });
}
