import { randomBytes, type KeyObject } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';

/** Asymmetric algorithms bizgraph signs with: ES256 for the dev issuer, EdDSA (Ed25519) for internal tokens. */
export type SigningAlgorithm = 'ES256' | 'EdDSA';

export interface SigningKey {
  alg: SigningAlgorithm;
  /** RFC 7638 thumbprint of the public key: stable across restarts, changes with the key. */
  kid: string;
  privateKey: CryptoKey | KeyObject;
  /** The public keys served at `/.well-known/*.json` (the signing key's first; for a data-dir key also written next to it). */
  jwks: JSONWebKeySet;
}

export interface KeyFiles {
  privateFile: string;
  jwksFile: string;
}

/** `<dataDir>/keys/<name>.private.jwk.json` and `<dataDir>/keys/<name>.jwks.json`. */
export function keyFiles(dataDir: string, name: string): KeyFiles {
  const dir = join(dataDir, 'keys');
  return { privateFile: join(dir, `${name}.private.jwk.json`), jwksFile: join(dir, `${name}.jwks.json`) };
}

/**
 * Loads a key pair, creating it on first use. Several processes may start at once on one data
 * dir (`npm start`, `npm run token`, tests): the private key is written to a temporary file
 * (mode 0600) and hard-linked into place, which fails if another process got there first; the
 * loser then uses the winner's key, so every process signs and verifies with the same one.
 */
export async function loadOrCreateSigningKey(files: KeyFiles, alg: SigningAlgorithm): Promise<SigningKey> {
  const jwk = (await readPrivateJwk(files.privateFile, alg)) ?? (await createPrivateJwk(files.privateFile, alg));
  const { d: _private, ...publicJwk } = jwk;
  const jwks: JSONWebKeySet = { keys: [publicJwk] };
  await ensureFile(files.jwksFile, `${JSON.stringify(jwks, null, 2)}\n`, 0o644);
  return { alg, kid: jwk.kid!, privateKey: (await importJWK(jwk, alg)) as CryptoKey, jwks };
}

async function readPrivateJwk(file: string, alg: SigningAlgorithm): Promise<JWK | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let jwk: JWK;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch {
    throw new Error(`${file} is not JSON; delete it to create a new key`);
  }
  if (jwk.alg !== alg || typeof jwk.d !== 'string' || typeof jwk.kid !== 'string') {
    throw new Error(`${file} is not an ${alg} private JWK; delete it to create a new key`);
  }
  return jwk;
}

async function createPrivateJwk(file: string, alg: SigningAlgorithm): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const exported = await exportJWK(privateKey);
  const { d: _private, ...publicPart } = exported;
  const jwk: JWK = { ...exported, kid: await calculateJwkThumbprint(publicPart), alg, use: 'sig' };
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = temporaryName(file);
  await writeFile(temporary, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process created the key between our read and our link: theirs wins.
    return (await readPrivateJwk(file, alg))!;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  return jwk;
}

/** Writes `content` atomically (temporary file + rename) unless the file already holds it. */
async function ensureFile(file: string, content: string, mode: number): Promise<void> {
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current === content) return;
  const temporary = temporaryName(file);
  await writeFile(temporary, content, { mode, flag: 'wx' });
  await rename(temporary, file);
}

function temporaryName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}
