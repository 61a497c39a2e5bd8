import type { GatewayPrincipal } from '../../gateway/src/context.js';
import { issueDevToken, type DevTokenRequest } from '../../gateway/src/auth/dev-token.js';
import { createInternalTokenSigner, type InternalTokenSigner } from '../../gateway/src/auth/internal-token.js';
import { keyFiles } from '../../gateway/src/auth/key-files.js';
import { SCOPES } from '../../gateway/src/auth/presets.js';
import { generateDataset } from '../../systems/seed/generate.js';

/**
 * Real signed tokens for tests: user tokens from the dev issuer a gateway on `dataDir` trusts, and
 * internal tokens a subgraph on `dataDir` accepts (both keys are created in `dataDir` if missing,
 * exactly as the gateway and `npm run token` create them).
 */
export interface DevTokenOptions extends Omit<DevTokenRequest, 'scopes'> {
  /** Space-separated or a list. */
  scopes?: string | readonly string[];
}

let emails: Map<string, string> | undefined;
/** Emails of the default seed dataset (tests pin SEED to the default). */
function emailOf(customerId: string): string | undefined {
  emails ??= new Map(generateDataset().customers.map((customer) => [customer.id, customer.email]));
  return emails.get(customerId);
}

/** A user JWT signed by the dev issuer of `dataDir` (`iss` bizgraph-dev, `aud` bizgraph). */
export function devToken(dataDir: string, options: DevTokenOptions): Promise<string> {
  const { scopes, ...rest } = options;
  const request: DevTokenRequest = scopes === undefined ? rest : { ...rest, scopes: typeof scopes === 'string' ? scopes.split(' ').filter(Boolean) : scopes };
  return issueDevToken(dataDir, request, emailOf);
}

const signers = new Map<string, Promise<InternalTokenSigner>>();

/** An internal token for `audience` (a subgraph name) on behalf of `principal` (null: anonymous). */
export async function internalToken(dataDir: string, audience: string, principal: GatewayPrincipal | null): Promise<string> {
  let signer = signers.get(dataDir);
  if (!signer) signers.set(dataDir, (signer = createInternalTokenSigner({ dataDir })));
  return (await signer).tokenFor(principal, audience);
}

/**
 * The data dir's internal-token key (created if missing) as a production gateway is given it:
 * the path for `GATEWAY_SIGNING_KEY_FILE` (the private JWK the development gateway keeps there).
 */
export async function mountedSigningKeyFile(dataDir: string): Promise<string> {
  await internalToken(dataDir, 'gateway', null);
  return keyFiles(dataDir, 'gateway-internal').privateFile;
}

/** Who the subgraph test harnesses call as: every scope, no customer binding (no row-level rule applies). */
export const HARNESS_PRINCIPAL: GatewayPrincipal = { subject: 'test-harness', scopes: SCOPES };

/** `{ authorization: 'Bearer …' }` with an internal token, for a direct subgraph call. */
export async function internalAuthorization(dataDir: string, audience: string, principal: GatewayPrincipal | null = HARNESS_PRINCIPAL): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await internalToken(dataDir, audience, principal)}` };
}

/** `{ authorization: 'Bearer …' }` with a dev-issuer user token, for a call through the gateway. */
export async function bearer(dataDir: string, options: DevTokenOptions): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await devToken(dataDir, options)}` };
}
