import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInternalTokenSigner, GATEWAY_SERVICE_PRINCIPAL, internalSignatureCount } from '../gateway/src/auth/internal-token.js';
import type { GatewayPrincipal } from '../gateway/src/context.js';
import { createInternalTokenVerifier } from '../subgraphs/shared/internal-auth.js';
import { devToken } from './helpers/tokens.js';

/** The internal-token signer (gateway) and verifier (subgraphs), in process, on a temp data dir. */
let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-internal-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const PORTAL: GatewayPrincipal = { subject: 'dev-portal', scopes: ['crm:read', 'pii:read'], customerId: 'cus_0001', email: 'a@example.com' };
const SALES: GatewayPrincipal = { subject: 'dev-sales', scopes: ['crm:read', 'erp:read'] };
const jwksFile = () => join(dataDir, 'keys', 'gateway-internal.jwks.json');

describe('internal token signer', () => {
  it('creates its Ed25519 key once under the data dir: private key 0600, public JWKS next to it', async () => {
    const signer = await createInternalTokenSigner({ dataDir });
    const again = await createInternalTokenSigner({ dataDir });
    expect(again.jwks).toEqual(signer.jwks);
    expect(statSync(join(dataDir, 'keys', 'gateway-internal.private.jwk.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(jwksFile(), 'utf8'))).toEqual(signer.jwks);
    expect(signer.jwks.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: expect.any(String), alg: 'EdDSA', use: 'sig' }]);
  });

  it('agrees on one key when several creators race for it', async () => {
    const signers = await Promise.all(Array.from({ length: 8 }, () => createInternalTokenSigner({ dataDir })));
    expect(new Set(signers.map((signer) => signer.jwks.keys[0]!.kid)).size).toBe(1);
    expect(JSON.parse(readFileSync(jwksFile(), 'utf8'))).toEqual(signers[0]!.jwks);
  });

  it('signs the claims the subgraph needs, with a 60 s life', async () => {
    const signer = await createInternalTokenSigner({ dataDir });
    const token = await signer.tokenFor(PORTAL, 'crm');
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: signer.jwks.keys[0]!.kid, typ: 'JWT' });
    const { iat, exp, ...claims } = decodeJwt(token);
    expect(claims).toEqual({ iss: 'bizgraph-gateway', aud: 'crm', sub: 'dev-portal', scope: 'crm:read pii:read', customer_id: 'cus_0001', email: 'a@example.com' });
    expect(exp! - iat!).toBe(60);
    const { iat: _i, exp: _e, ...anonymous } = decodeJwt(await signer.tokenFor(null, 'erp'));
    expect(anonymous).toEqual({ iss: 'bizgraph-gateway', aud: 'erp', sub: 'anonymous', anon: true });
  });

  it('signs once per principal and audience, however many requests ask (concurrently or not)', async () => {
    const signer = await createInternalTokenSigner({ dataDir });
    const before = internalSignatureCount();
    const first = await Promise.all(Array.from({ length: 50 }, () => signer.tokenFor(PORTAL, 'crm')));
    for (let i = 0; i < 50; i++) await signer.tokenFor({ ...PORTAL, scopes: [...PORTAL.scopes] }, 'crm');
    expect(new Set(first).size).toBe(1);
    expect(internalSignatureCount() - before).toBe(1);
    await signer.tokenFor(PORTAL, 'erp');
    await signer.tokenFor(SALES, 'crm');
    await signer.tokenFor(null, 'crm');
    await signer.tokenFor(GATEWAY_SERVICE_PRINCIPAL, 'crm');
    await Promise.all([signer.tokenFor(SALES, 'crm'), signer.tokenFor(null, 'crm'), signer.tokenFor(PORTAL, 'erp')]);
    expect(internalSignatureCount() - before).toBe(5);
  });

  it('reuses a token until 10 s before it expires, then signs a new one', async () => {
    let now = Date.parse('2026-06-30T12:00:00Z');
    const signer = await createInternalTokenSigner({ dataDir, now: () => now });
    const before = internalSignatureCount();
    const first = await signer.tokenFor(SALES, 'billing');
    now += 49_000;
    expect(await signer.tokenFor(SALES, 'billing')).toBe(first);
    now += 1_000;
    const renewed = await signer.tokenFor(SALES, 'billing');
    expect(renewed).not.toBe(first);
    expect(decodeJwt(renewed).iat).toBe(decodeJwt(first).iat! + 50);
    expect(internalSignatureCount() - before).toBe(2);
  });

  it('hands out a signed, still fresh token without a promise, and nothing it would have to sign', async () => {
    let now = Date.parse('2026-06-30T12:00:00Z');
    const signer = await createInternalTokenSigner({ dataDir, now: () => now });
    expect(signer.cachedToken!(SALES, 'billing')).toBeUndefined();
    const token = await signer.tokenFor(SALES, 'billing');
    expect(signer.cachedToken!({ ...SALES, scopes: [...SALES.scopes] }, 'billing')).toBe(token);
    expect([signer.cachedToken!(SALES, 'erp'), signer.cachedToken!(null, 'billing')]).toEqual([undefined, undefined]);
    now += 50_000;
    expect(signer.cachedToken!(SALES, 'billing')).toBeUndefined();
  });
});

describe('internal token verifier (subgraph side)', () => {
  it('accepts the gateway token for its own audience and yields the principal (null when anonymous)', async () => {
    const signer = await createInternalTokenSigner({ dataDir });
    const verifier = createInternalTokenVerifier('crm', { kind: 'file', path: jwksFile() });
    expect(await verifier.verify(`Bearer ${await signer.tokenFor(PORTAL, 'crm')}`)).toEqual({ ok: true, principal: PORTAL });
    expect(await verifier.verify(`Bearer ${await signer.tokenFor(SALES, 'crm')}`)).toEqual({ ok: true, principal: SALES });
    expect(await verifier.verify(`Bearer ${await signer.tokenFor(GATEWAY_SERVICE_PRINCIPAL, 'crm')}`)).toEqual({
      ok: true,
      principal: { subject: 'bizgraph-gateway', scopes: [] },
    });
    expect(await verifier.verify(`Bearer ${await signer.tokenFor(null, 'crm')}`)).toEqual({ ok: true, principal: null });
  });

  it('accepts every one of a burst of first requests, arriving while the key file is being read', async () => {
    const signer = await createInternalTokenSigner({ dataDir });
    const header = `Bearer ${await signer.tokenFor(SALES, 'crm')}`;
    for (let round = 0; round < 10; round++) {
      // A fresh verifier per round: its first requests race to read the file, a few ticks apart.
      const verifier = createInternalTokenVerifier('crm', { kind: 'file', path: jwksFile() });
      const results = await Promise.all(
        Array.from({ length: 30 }, async (_unused, index) => {
          for (let tick = 0; tick < index % 6; tick++) await new Promise((resolve) => setImmediate(resolve));
          return verifier.verify(header);
        }),
      );
      expect(results.filter((result) => !result.ok)).toEqual([]);
    }
  });

  it.each([
    ['no header', async () => undefined, 'missing internal token'],
    ['another audience', async (signer) => `Bearer ${await signer.tokenFor(SALES, 'erp')}`, 'internal token has a wrong or missing "aud" claim'],
    ["a user's dev-issuer JWT", async () => `Bearer ${await devToken(dataDir, { preset: 'admin' })}`, 'internal token not signed by the gateway'],
    [
      'an expired token',
      async () => `Bearer ${await (await createInternalTokenSigner({ dataDir, now: () => Date.now() - 120_000 })).tokenFor(SALES, 'crm')}`,
      'internal token expired',
    ],
    ['a Basic header', async () => 'Basic YTpi', 'expected "Authorization: Bearer <internal token>"'],
    ['a malformed token', async () => 'Bearer abc.def', 'malformed internal token'],
  ] as Array<[string, (signer: Awaited<ReturnType<typeof createInternalTokenSigner>>) => Promise<string | undefined>, string]>)('refuses %s', async (_name, header, reason) => {
    const signer = await createInternalTokenSigner({ dataDir });
    const verifier = createInternalTokenVerifier('crm', { kind: 'file', path: jwksFile() });
    expect(await verifier.verify(await header(signer))).toEqual({ ok: false, reason });
  });

  it('reads the JWKS file lazily and again when the gateway key changes', async () => {
    const verifier = createInternalTokenVerifier('support', { kind: 'file', path: jwksFile() });
    // Subgraphs start before the gateway has written its key: nothing verifies until it exists.
    const otherDir = mkdtempSync(join(tmpdir(), 'bizgraph-internal-other-'));
    const stranger = await createInternalTokenSigner({ dataDir: otherDir });
    rmSync(otherDir, { recursive: true, force: true });
    expect(await verifier.verify(`Bearer ${await stranger.tokenFor(SALES, 'support')}`)).toEqual({
      ok: false,
      reason: "cannot verify the internal token: the gateway's key is unavailable",
    });
    const first = await createInternalTokenSigner({ dataDir });
    expect(await verifier.verify(`Bearer ${await first.tokenFor(SALES, 'support')}`)).toMatchObject({ ok: true });
    // A new gateway key (the old one deleted): the unknown kid makes the verifier re-read the file.
    rmSync(join(dataDir, 'keys'), { recursive: true });
    const second = await createInternalTokenSigner({ dataDir });
    expect(second.jwks.keys[0]!.kid).not.toBe(first.jwks.keys[0]!.kid);
    expect(await verifier.verify(`Bearer ${await second.tokenFor(SALES, 'support')}`)).toMatchObject({ ok: true });
    expect(await verifier.verify(`Bearer ${await first.tokenFor(SALES, 'support')}`)).toEqual({ ok: false, reason: 'internal token not signed by the gateway' });
  });
});
