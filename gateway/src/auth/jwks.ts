import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { ConfigError } from '../../../common/config.js';
import type { AuthConfig } from './config.js';
import { loadDevIssuer } from './dev-issuer.js';

export interface UserKeys {
  /** Resolves the verification key for a token's header (by `kid` and `alg`). */
  getKey: JWTVerifyGetKey;
  /** The dev issuer's public keys, served at `/.well-known/jwks.json`; absent with `JWT_JWKS_URL`. */
  devJwks?: JSONWebKeySet;
}

/** How long (ms) a remote JWKS fetch may take before the token is refused (the IdP is slow or down). */
const REMOTE_TIMEOUT_MS = 5000;

/**
 * The keys user tokens are checked against. A remote JWKS is fetched on the first token, cached,
 * and refetched when a token names an unknown `kid` (key rotation), at most once per
 * `JWT_JWKS_COOLDOWN_SECONDS` so a flood of forged `kid`s cannot hammer the identity provider.
 */
export async function loadUserKeys(config: AuthConfig): Promise<UserKeys> {
  const { jwks } = config;
  if (jwks.kind === 'remote') {
    return { getKey: createRemoteJWKSet(new URL(jwks.url), { cooldownDuration: config.jwksCooldownSeconds * 1000, timeoutDuration: REMOTE_TIMEOUT_MS }) };
  }
  if (jwks.kind === 'file') return { getKey: createLocalJWKSet(await readJwksFile(jwks.path)) };
  const devIssuer = await loadDevIssuer(config.dataDir);
  return { getKey: createLocalJWKSet(devIssuer.jwks), devJwks: devIssuer.jwks };
}

async function readJwksFile(path: string): Promise<JSONWebKeySet> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ConfigError('JWT_JWKS_URL', `cannot read a JWKS from ${path}: ${(error as Error).message}`);
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new ConfigError('JWT_JWKS_URL', `${path} is not a JWKS (no "keys")`);
  return parsed as JSONWebKeySet;
}
