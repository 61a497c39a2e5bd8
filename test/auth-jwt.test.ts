import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDevIssuer, signUserToken, type UserTokenClaims } from '../gateway/src/auth/dev-issuer.js';
import type { SigningKey } from '../gateway/src/auth/key-files.js';
import { startService, type ServiceProcess } from '../scripts/lib/processes.js';
import { withoutTraceId } from './helpers/graphql.js';
import { devToken } from './helpers/tokens.js';

/**
 * The JWT attack battery against a real gateway process (dev issuer, the shipped supergraph):
 * every forged, stale or malformed token gets HTTP 401 + UNAUTHENTICATED, with a short reason and
 * without the token in the answer. `{ __typename }` needs no subgraph, so none is started.
 */
const QUERY = JSON.stringify({ query: '{ __typename }' });
const NOWHERE = 'http://127.0.0.1:9/graphql';

let dataDir: string;
let gateway: ServiceProcess;
let devKey: SigningKey;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-auth-jwt-'));
  gateway = await startService({
    name: 'gateway',
    entry: 'gateway/src/main.ts',
    env: {
      PORT: '0',
      NODE_ENV: 'development',
      BIZGRAPH_DATA_DIR: dataDir,
      JWT_JWKS_URL: '',
      ...Object.fromEntries(['CRM', 'ERP', 'BILLING', 'SUPPORT'].map((name) => [`SUBGRAPH_${name}_URL`, NOWHERE])),
    },
  });
  // The gateway created the dev issuer key on start; the test signs with the same one.
  devKey = await loadDevIssuer(dataDir);
});
afterAll(async () => {
  await gateway?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function post(authorization?: string): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  const response = await request(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: QUERY,
  });
  return { status: response.statusCode, text: await response.body.text(), headers: response.headers };
}

/** The parsed answer without its per-request trace id. */
const answerOf = (text: string) => {
  const body: unknown = JSON.parse(text);
  withoutTraceId(body);
  return body;
};

const now = () => Math.floor(Date.now() / 1000);
const claims = (overrides: Partial<UserTokenClaims> = {}): UserTokenClaims => ({
  issuer: 'bizgraph-dev',
  audience: 'bizgraph',
  subject: 'mallory',
  scopes: ['crm:read'],
  ttlSeconds: 600,
  ...overrides,
});
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

/** Each attack: how the Authorization header is built, and the reason the gateway gives. */
const ATTACKS: Array<[string, () => Promise<string>, string]> = [
  [
    'alg none',
    async () => `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...payloadOf(await signUserToken(devKey, claims())), scope: 'crm:read pii:read' })}.`,
    'algorithm not allowed',
  ],
  [
    'HS256 signed with the issuer public key',
    async () => {
      // The classic key confusion: the public key (PEM, as published) used as an HMAC secret.
      const pem = await exportSPKI((await importJWK(devKey.jwks.keys[0] as JWK, 'ES256', { extractable: true })) as CryptoKey);
      const token = await new SignJWT({ scope: 'crm:read pii:read' })
        .setProtectedHeader({ alg: 'HS256', kid: devKey.kid, typ: 'JWT' })
        .setIssuer('bizgraph-dev')
        .setAudience('bizgraph')
        .setSubject('mallory')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(pem));
      return `Bearer ${token}`;
    },
    'algorithm not allowed',
  ],
  ['expired', async () => `Bearer ${await signUserToken(devKey, claims({ issuedAt: now() - 7200, ttlSeconds: 3600 }))}`, 'token expired'],
  ['not yet valid (nbf)', async () => `Bearer ${await signUserToken(devKey, claims({ notBefore: now() + 3600 }))}`, 'token not yet valid'],
  ['wrong issuer', async () => `Bearer ${await signUserToken(devKey, claims({ issuer: 'https://evil.example' }))}`, 'wrong issuer'],
  ['wrong audience', async () => `Bearer ${await signUserToken(devKey, claims({ audience: 'another-api' }))}`, 'wrong audience'],
  [
    'tampered payload',
    async () => {
      const [header, payload, signature] = (await signUserToken(devKey, claims())).split('.');
      const forged = b64({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), scope: 'crm:read crm:write pii:read' });
      return `Bearer ${header}.${forged}.${signature}`;
    },
    'bad signature',
  ],
  [
    'unknown kid (signed by another key)',
    async () => {
      const { privateKey } = await generateKeyPair('ES256');
      return `Bearer ${await signUserToken({ ...devKey, kid: 'not-ours', privateKey }, claims())}`;
    },
    'unknown signing key',
  ],
  [
    "another key claiming the issuer's kid",
    async () => {
      const { privateKey } = await generateKeyPair('ES256');
      return `Bearer ${await signUserToken({ ...devKey, privateKey }, claims())}`;
    },
    'bad signature',
  ],
  ['malformed (abc.def)', async () => 'Bearer abc.def', 'malformed token'],
  ['not base64 JSON', async () => 'Bearer aaa.bbb.ccc', 'malformed token'],
  [
    'without exp',
    async () =>
      `Bearer ${await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: devKey.kid }).setIssuer('bizgraph-dev').setAudience('bizgraph').setSubject('x').sign(devKey.privateKey)}`,
    'missing "exp" claim',
  ],
  ['oversized (> JWT_MAX_BYTES)', async () => `Bearer ${await signUserToken(devKey, claims({ subject: 'x'.repeat(9000) }))}`, 'token too large'],
  ['Basic scheme', async () => `Basic ${Buffer.from('admin:admin').toString('base64')}`, 'expected "Authorization: Bearer <token>"'],
  ['bare token without Bearer', async () => await signUserToken(devKey, claims()), 'expected "Authorization: Bearer <token>"'],
  ['Bearer without a token', async () => 'Bearer ', 'expected "Authorization: Bearer <token>"'],
];

describe('gateway authentication', () => {
  it.each(ATTACKS)('refuses %s with 401 UNAUTHENTICATED, without echoing the token', async (_name, header, reason) => {
    const authorization = await header();
    const response = await post(authorization);
    expect(response.status).toBe(401);
    expect(answerOf(response.text)).toEqual({ errors: [{ message: `Invalid bearer token: ${reason}`, extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(response.headers['www-authenticate']).toBe(`Bearer error="invalid_token", error_description="${reason.replace(/"/g, "'")}"`);
    const credential = authorization.replace(/^\S+ /, '');
    if (credential.length > 8) {
      expect(response.text).not.toContain(credential);
      for (const part of credential.split('.').filter((piece) => piece.length > 8)) expect(response.text).not.toContain(part);
    }
  });

  it('accepts a valid dev-issuer token (200)', async () => {
    const response = await post(`Bearer ${await devToken(dataDir, { preset: 'sales' })}`);
    expect(response.status).toBe(200);
    expect(answerOf(response.text)).toEqual({ data: { __typename: 'Query' } });
  });

  it('accepts the scheme in any case (bEaReR)', async () => {
    const response = await post(`bEaReR ${await devToken(dataDir, { scopes: 'crm:read' })}`);
    expect(response.status).toBe(200);
  });

  it('accepts a token expired less than the clock tolerance ago', async () => {
    const response = await post(`Bearer ${await signUserToken(devKey, claims({ issuedAt: now() - 610 }))}`);
    expect(response.status).toBe(200);
  });

  it('serves a request without Authorization as anonymous (200)', async () => {
    const response = await post();
    expect(response.status).toBe(200);
    expect(answerOf(response.text)).toEqual({ data: { __typename: 'Query' } });
  });

  it("serves the dev issuer's public keys at /.well-known/jwks.json, and no private part", async () => {
    const response = await request(`${gateway.url}/.well-known/jwks.json`);
    expect(response.statusCode).toBe(200);
    const jwks = (await response.body.json()) as { keys: JWK[] };
    expect(jwks).toEqual(devKey.jwks);
    expect(jwks.keys.map((key) => ({ alg: key.alg, kid: key.kid, d: key.d }))).toEqual([{ alg: 'ES256', kid: devKey.kid, d: undefined }]);
  });
});
