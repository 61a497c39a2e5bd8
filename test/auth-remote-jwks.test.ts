import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type ServiceProcess } from '../scripts/lib/processes.js';
import { devToken } from './helpers/tokens.js';

/**
 * A company identity provider faked at its HTTP edge: a JWKS server that counts its hits. The
 * gateway fetches the keys on the first token, caches them, refetches once when a token names a
 * new `kid` (rotation), and does not refetch for forged `kid`s within the cooldown.
 */
const ISSUER = 'https://idp.example';
const AUDIENCE = 'bizgraph-api';
const NOWHERE = 'http://127.0.0.1:9/graphql';

interface IdpKey {
  kid: string;
  alg: 'RS256' | 'EdDSA' | 'ES256';
  privateKey: CryptoKey;
  jwk: JWK;
}

async function idpKey(kid: string, alg: IdpKey['alg']): Promise<IdpKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519' } : {});
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

function idpToken(key: IdpKey, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('u-1')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key.privateKey);
}

/** Keys served per path, and how often each path was fetched. */
const published = new Map<string, JWK[]>();
const hits = new Map<string, number>();
let idp: Server;
let idpUrl: string;
const dataDirs: string[] = [];
const gateways: ServiceProcess[] = [];

function startGateway(jwksPath: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-auth-idp-'));
  dataDirs.push(dataDir);
  const subgraphs = Object.fromEntries(['CRM', 'ERP', 'BILLING', 'SUPPORT'].map((name) => [`SUBGRAPH_${name}_URL`, NOWHERE]));
  return startService({
    name: 'gateway',
    entry: 'gateway/src/main.ts',
    env: { PORT: '0', NODE_ENV: 'development', BIZGRAPH_DATA_DIR: dataDir, JWT_JWKS_URL: `${idpUrl}${jwksPath}`, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, ...subgraphs, ...env },
  }).then((gateway) => (gateways.push(gateway), gateway));
}

async function status(gateway: ServiceProcess, token?: string): Promise<number> {
  const response = await request(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: '{"query":"{ __typename }"}',
  });
  await response.body.text();
  return response.statusCode;
}

beforeAll(async () => {
  idp = createServer((req, res) => {
    const keys = published.get(req.url ?? '');
    hits.set(req.url ?? '', (hits.get(req.url ?? '') ?? 0) + 1);
    if (!keys) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((done) => idp.listen(0, '127.0.0.1', done));
  const address = idp.address();
  idpUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await new Promise((done) => idp?.close(done));
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe('gateway with a remote JWKS (JWT_JWKS_URL)', () => {
  it('fetches the keys once for many tokens, and once more when a rotated key appears', async () => {
    const rsa = await idpKey('rsa-2026', 'RS256');
    const ed = await idpKey('ed-2027', 'EdDSA');
    published.set('/rotating/jwks.json', [rsa.jwk]);
    // Cooldown 0: the refetch for the new kid happens at once, no waiting in the test.
    const gateway = await startGateway('/rotating/jwks.json', { JWT_JWKS_COOLDOWN_SECONDS: '0' });
    const fetched = () => hits.get('/rotating/jwks.json') ?? 0;

    expect(await status(gateway)).toBe(200);
    expect(fetched()).toBe(0);
    for (let i = 0; i < 5; i++) expect(await status(gateway, await idpToken(rsa, { scp: ['crm:read'] }))).toBe(200);
    expect(fetched()).toBe(1);

    published.set('/rotating/jwks.json', [rsa.jwk, ed.jwk]);
    for (let i = 0; i < 5; i++) expect(await status(gateway, await idpToken(ed, { scope: 'crm:read' }))).toBe(200);
    expect(fetched()).toBe(2);
    expect(await status(gateway, await idpToken(rsa))).toBe(200);
    expect(fetched()).toBe(2);
  });

  it('does not refetch for forged kids within the cooldown, and trusts neither the dev issuer nor its JWKS route', async () => {
    const rsa = await idpKey('rsa-a', 'RS256');
    published.set('/steady/jwks.json', [rsa.jwk]);
    const gateway = await startGateway('/steady/jwks.json');
    const fetched = () => hits.get('/steady/jwks.json') ?? 0;

    expect(await status(gateway, await idpToken(rsa))).toBe(200);
    expect(fetched()).toBe(1);
    const forger = await idpKey('rsa-forged', 'RS256');
    for (let i = 0; i < 5; i++) expect(await status(gateway, await idpToken(forger))).toBe(401);
    expect(fetched()).toBe(1);

    // With JWT_JWKS_URL the dev issuer is off: its tokens fail, and no dev JWKS is served.
    const gatewayDataDir = dataDirs[dataDirs.length - 1]!;
    expect(await status(gateway, await devToken(gatewayDataDir, { preset: 'admin' }))).toBe(401);
    expect(fetched()).toBe(1);
    const jwks = await request(`${gateway.url}/.well-known/jwks.json`);
    await jwks.body.text();
    expect(jwks.statusCode).toBe(404);
  });

  it('refuses a token of the right key but another issuer', async () => {
    const rsa = await idpKey('rsa-b', 'RS256');
    published.set('/issuer/jwks.json', [rsa.jwk]);
    const gateway = await startGateway('/issuer/jwks.json');
    const foreign = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-b' })
      .setIssuer('https://other.example')
      .setAudience(AUDIENCE)
      .setSubject('u')
      .setExpirationTime('5m')
      .sign(rsa.privateKey);
    expect(await status(gateway, foreign)).toBe(401);
    expect(await status(gateway, await idpToken(rsa))).toBe(200);
  });
});
