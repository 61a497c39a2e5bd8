import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { ConfigError } from '../../../common/config.js';
import type { SigningKey } from './key-files.js';

/**
 * The gateway's internal-token key from mounted files, for replicas that share no data directory:
 * every replica signs with the key in `GATEWAY_SIGNING_KEY_FILE` and publishes, beside its public
 * half, the public keys in `GATEWAY_VERIFICATION_KEYS_FILE` (the key being rotated in or out), so
 * subgraphs accept tokens from replicas on either key during a rotation.
 */
export interface SigningKeyFiles {
  /** `GATEWAY_SIGNING_KEY_FILE`: an Ed25519 private key, PKCS#8 PEM or a private JWK. */
  signingKeyFile: string;
  /** `GATEWAY_VERIFICATION_KEYS_FILE`: further public keys to publish (a JWKS, or PEM keys). */
  verificationKeysFile?: string;
}

const SIGNING = 'GATEWAY_SIGNING_KEY_FILE';
const VERIFICATION = 'GATEWAY_VERIFICATION_KEYS_FILE';

export async function loadSigningKeyFiles(files: SigningKeyFiles): Promise<SigningKey> {
  const privateKey = parseKeys(await readKeyFile(SIGNING, files.signingKeyFile), SIGNING, 'private')[0]!;
  const signing = await publicJwkOf(privateKey, SIGNING);
  const published = [signing];
  if (files.verificationKeysFile !== undefined) {
    for (const key of parseKeys(await readKeyFile(VERIFICATION, files.verificationKeysFile), VERIFICATION, 'public')) {
      const jwk = await publicJwkOf(key, VERIFICATION);
      if (!published.some((known) => known.kid === jwk.kid)) published.push(jwk);
    }
  }
  return { alg: 'EdDSA', kid: signing.kid!, privateKey, jwks: { keys: published } };
}

async function readKeyFile(variable: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(variable, `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** The keys of a file: JSON (one JWK or a JWKS) or PEM blocks; a private key must be exactly one. */
function parseKeys(text: string, variable: string, kind: 'private' | 'public'): KeyObject[] {
  const trimmed = text.trim();
  let keys: KeyObject[];
  try {
    if (trimmed.startsWith('{')) {
      const json = JSON.parse(trimmed) as JWK | { keys?: JWK[] };
      const jwks = 'keys' in json && Array.isArray(json.keys) ? json.keys : [json as JWK];
      keys = jwks.map((jwk) => (kind === 'private' ? createPrivateKey({ key: jwk, format: 'jwk' }) : createPublicKey({ key: withoutPrivate(jwk), format: 'jwk' })));
    } else {
      const blocks = trimmed.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
      keys = blocks.map((pem) => (kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem)));
    }
  } catch (error) {
    throw new ConfigError(variable, `not a ${kind} key (PEM or JWK): ${(error as Error).message}`);
  }
  if (keys.length === 0) throw new ConfigError(variable, `holds no ${kind} key (PEM or JWK)`);
  if (kind === 'private' && keys.length > 1) throw new ConfigError(variable, `holds ${keys.length} keys: give the one to sign with (publish others with ${VERIFICATION})`);
  return keys;
}

function withoutPrivate(jwk: JWK): JWK {
  const { d: _d, ...rest } = jwk;
  return rest;
}

/** The public JWK subgraphs verify with (`kid` = RFC 7638 thumbprint); only Ed25519, the one algorithm subgraphs accept. */
async function publicJwkOf(key: KeyObject, variable: string): Promise<JWK> {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError(variable, `expected an Ed25519 key (subgraphs accept EdDSA internal tokens only), got ${key.asymmetricKeyType ?? key.type}`);
  }
  const exported = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'jwk' }) as JWK;
  const publicJwk: JWK = { kty: exported.kty, crv: exported.crv, x: exported.x };
  return { ...publicJwk, kid: await calculateJwkThumbprint(publicJwk), alg: 'EdDSA', use: 'sig' };
}
