import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, readInt, readOptionalString, readString, type Env } from '../../../common/config.js';
import type { SigningKeyFiles } from './signing-key-file.js';

/** The embedded development issuer (DESIGN.md): its tokens carry these `iss` and `aud`. */
export const DEV_ISSUER = 'bizgraph-dev';
export const DEV_AUDIENCE = 'bizgraph';

/** Where the keys that verify user tokens come from. */
export type JwksSource =
  /** The company's identity provider: fetched, cached, refetched on an unknown `kid` (rate-limited). */
  | { kind: 'remote'; url: string }
  /** A JWKS file, read once at start. */
  | { kind: 'file'; path: string }
  /** The dev issuer's key pair under `<dataDir>/keys` (created on first use); never in production. */
  | { kind: 'dev' };

export interface AuthConfig {
  /** `JWT_JWKS_URL`: http(s) URL, `file:` URL or path of a JWKS. @default the dev issuer */
  jwks: JwksSource;
  /** `JWT_ISSUER`: the required `iss`. @default 'bizgraph-dev' */
  issuer: string;
  /** `JWT_AUDIENCE`: the required `aud`. @default 'bizgraph' */
  audience: string;
  /** `JWT_SCOPE_CLAIM`: the claim holding scopes. @default unset: `scope` (space-separated), else `scp` */
  scopeClaim?: string;
  /** `JWT_CUSTOMER_CLAIM`: the portal customer's id. @default 'customer_id' */
  customerClaim: string;
  /** `JWT_EMAIL_CLAIM`. @default 'email' */
  emailClaim: string;
  /** `JWT_CLOCK_TOLERANCE_SECONDS`: slack for `exp`/`nbf`/`iat` between clocks. @default 30 */
  clockToleranceSeconds: number;
  /** `JWT_MAX_BYTES`: longer tokens are refused before they are parsed. @default 8192 */
  maxTokenBytes: number;
  /** `JWT_VERIFIED_CACHE_SIZE`: verified tokens remembered (until their expiry, 60 s at most) to skip re-checking their signature; 0 turns it off. @default 10000 */
  verifiedTokenCacheSize: number;
  /** `JWT_JWKS_COOLDOWN_SECONDS`: least time between two fetches of a remote JWKS. @default 30 */
  jwksCooldownSeconds: number;
  /** `BIZGRAPH_DATA_DIR`: the dev issuer's and the gateway's internal keys live in `<dataDir>/keys`. @default '.data' */
  dataDir: string;
  /**
   * `GATEWAY_SIGNING_KEY_FILE` (an Ed25519 private key, PKCS#8 PEM or JWK) and
   * `GATEWAY_VERIFICATION_KEYS_FILE` (public keys also published, for a rotation): every replica
   * signs internal tokens with the same mounted key. Required in production; unset in development →
   * a key created under `<dataDir>/keys`.
   */
  signingKeyFiles?: SigningKeyFiles;
}

/**
 * Reads the JWT settings. Production without `JWT_JWKS_URL` is refused: the dev issuer's key sits
 * on disk next to the data, which is fine on a laptop and not in front of real customers.
 */
export function readAuthConfig(env: Env, production: boolean): AuthConfig {
  const jwksUrl = readOptionalString(env, 'JWT_JWKS_URL');
  if (!jwksUrl && production) {
    throw new ConfigError('JWT_JWKS_URL', 'required when NODE_ENV=production (the embedded dev issuer is for development only)');
  }
  const scopeClaim = readOptionalString(env, 'JWT_SCOPE_CLAIM');
  return {
    jwks: jwksUrl ? readJwksSource(jwksUrl, process.cwd()) : { kind: 'dev' },
    issuer: readString(env, 'JWT_ISSUER', DEV_ISSUER),
    audience: readString(env, 'JWT_AUDIENCE', DEV_AUDIENCE),
    ...(scopeClaim ? { scopeClaim } : {}),
    customerClaim: readString(env, 'JWT_CUSTOMER_CLAIM', 'customer_id'),
    emailClaim: readString(env, 'JWT_EMAIL_CLAIM', 'email'),
    clockToleranceSeconds: readInt(env, 'JWT_CLOCK_TOLERANCE_SECONDS', 30, { min: 0, max: 3600 }),
    maxTokenBytes: readInt(env, 'JWT_MAX_BYTES', 8192, { min: 256, max: 65_536 }),
    verifiedTokenCacheSize: readInt(env, 'JWT_VERIFIED_CACHE_SIZE', 10_000, { min: 0, max: 1_000_000 }),
    jwksCooldownSeconds: readInt(env, 'JWT_JWKS_COOLDOWN_SECONDS', 30, { min: 0, max: 86_400 }),
    dataDir: readString(env, 'BIZGRAPH_DATA_DIR', '.data'),
    signingKeyFiles: readSigningKeyFiles(env, production),
  };
}

function readSigningKeyFiles(env: Env, production: boolean): SigningKeyFiles | undefined {
  const signingKeyFile = readOptionalString(env, 'GATEWAY_SIGNING_KEY_FILE');
  const verificationKeysFile = readOptionalString(env, 'GATEWAY_VERIFICATION_KEYS_FILE');
  if (signingKeyFile === undefined) {
    // Replicas that each created a key of their own would sign tokens the others' subgraph JWKS lacks.
    if (production) throw new ConfigError('GATEWAY_SIGNING_KEY_FILE', 'required when NODE_ENV=production (every replica signs internal tokens with the same mounted Ed25519 key)');
    if (verificationKeysFile !== undefined) throw new ConfigError('GATEWAY_VERIFICATION_KEYS_FILE', 'needs GATEWAY_SIGNING_KEY_FILE');
    return undefined;
  }
  const resolved = (path: string) => (isAbsolute(path) ? path : resolve(process.cwd(), path));
  return { signingKeyFile: resolved(signingKeyFile), ...(verificationKeysFile !== undefined ? { verificationKeysFile: resolved(verificationKeysFile) } : {}) };
}

function readJwksSource(value: string, cwd: string): JwksSource {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'file', path: isAbsolute(value) ? value : resolve(cwd, value) };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('JWT_JWKS_URL', `not a valid URL: "${value}"`);
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return { kind: 'remote', url: url.href };
  if (url.protocol === 'file:') return { kind: 'file', path: fileURLToPath(url) };
  throw new ConfigError('JWT_JWKS_URL', `expected an http(s) URL, a file: URL or a path, got "${value}"`);
}
