import { stat, readFile } from 'node:fs/promises';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Principal } from './context.js';
import { INTERNAL_ISSUER, principalFromClaims } from '../../common/contracts/internal-token.js';

/**
 * The subgraph side of subgraph trust: every `/graphql` request must carry the gateway's internal
 * token (EdDSA, `iss` bizgraph-gateway, `aud` = this subgraph). A user's own JWT, a token for
 * another subgraph, or none at all is refused, so calling a subgraph directly gets nothing.
 */
export { INTERNAL_ISSUER };
/** Tokens are signed for 60 s; anything claiming a longer life was not signed by our gateway. */
const MAX_TOKEN_AGE_SECONDS = 120;
const MAX_TOKEN_BYTES = 8192;
const CLOCK_TOLERANCE_SECONDS = 10;
/** Least time between two fetches of a remote gateway JWKS (an unknown `kid` triggers one). */
const REMOTE_COOLDOWN_MS = 10_000;

/** Where the gateway's public key comes from: its URL, or the JWKS file it writes under the data dir. */
export type GatewayJwksSource = { kind: 'url'; url: string } | { kind: 'file'; path: string };

export type InternalAuthResult = { ok: true; principal: Principal | null } | { ok: false; reason: string };

export interface InternalTokenVerifier {
  /** Checks an `Authorization` header; `principal` is null for anonymous callers (`anon: true`). */
  verify(authorization: string | undefined): Promise<InternalAuthResult>;
}

export function createInternalTokenVerifier(audience: string, source: GatewayJwksSource): InternalTokenVerifier {
  const getKey = source.kind === 'url' ? createRemoteJWKSet(new URL(source.url), { cooldownDuration: REMOTE_COOLDOWN_MS }) : fileKeys(source.path);
  const options = {
    algorithms: ['EdDSA'],
    issuer: INTERNAL_ISSUER,
    audience,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    maxTokenAge: MAX_TOKEN_AGE_SECONDS,
    requiredClaims: ['sub', 'exp'],
  };
  return {
    async verify(authorization) {
      if (authorization === undefined) return { ok: false, reason: 'missing internal token' };
      if (authorization.length > MAX_TOKEN_BYTES) return { ok: false, reason: 'token too large' };
      const token = /^Bearer +(\S+) *$/i.exec(authorization)?.[1];
      if (!token) return { ok: false, reason: 'expected "Authorization: Bearer <internal token>"' };
      try {
        const { payload } = await jwtVerify(token, getKey, options);
        return { ok: true, principal: principalFromClaims(payload) };
      } catch (error) {
        return { ok: false, reason: reasonFor(error) };
      }
    },
  };
}

function reasonFor(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'internal token expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `internal token has a wrong or missing "${error.claim}" claim`;
  if (error instanceof errors.JWKSNoMatchingKey) return 'internal token not signed by the gateway';
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return 'internal token not signed by the gateway';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'internal token signature is invalid';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'malformed internal token';
  return "cannot verify the internal token: the gateway's key is unavailable";
}

/**
 * Keys from the JWKS file the gateway writes. It is read lazily (subgraphs usually start before
 * the gateway creates it) and read again when a token names an unknown `kid`, but only if the
 * file changed since the last read: forged `kid`s cost a `stat`, not a parse.
 */
function fileKeys(path: string): JWTVerifyGetKey {
  let loaded: { version: string; getKey: JWTVerifyGetKey } | undefined;
  // One read at a time: concurrent first requests share it. (Each used to read on its own, and one
  // that found the file already loaded by another took that for a missing file: a 401 for a
  // burst of requests right after a subgraph started.)
  let reading: Promise<boolean> | undefined;
  const readIfChanged = async (): Promise<boolean> => {
    const info = await stat(path).catch(() => undefined);
    if (!info) return false;
    const version = `${info.ino}:${info.size}:${info.mtimeMs}`;
    if (loaded?.version === version) return false;
    loaded = { version, getKey: createLocalJWKSet(JSON.parse(await readFile(path, 'utf8'))) };
    return true;
  };
  const reload = () => (reading ??= readIfChanged().finally(() => (reading = undefined)));
  return async (header, token) => {
    if (!loaded) await reload();
    if (!loaded) throw new Error(`${path} does not exist (has the gateway started?)`);
    const tried = loaded;
    try {
      return await tried.getKey(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      // A key the gateway added since: read the file again (if another request has not already).
      if (loaded === tried) await reload();
      if (loaded === tried) throw error;
      return loaded!.getKey(header, token);
    }
  };
}
