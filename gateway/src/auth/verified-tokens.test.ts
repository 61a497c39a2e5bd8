import { exportJWK, generateKeyPair, SignJWT, type JWTVerifyGetKey } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from './authenticate.js';
import { readAuthConfig } from './config.js';
import { createVerifiedTokenCache } from './verified-tokens.js';

const principal = { subject: 'ana', scopes: ['crm:read'] };

describe('verified token cache', () => {
  it('keeps a verification until the token expires, plus the clock tolerance', () => {
    const cache = createVerifiedTokenCache({ maxEntries: 10, maxAgeMs: 600_000, clockToleranceSeconds: 30 });
    cache.set('token-a', principal, 1_000, 900_000);
    expect(cache.get('token-a', 1_029_999)).toEqual(principal);
    expect(cache.get('token-a', 1_030_000)).toBeUndefined();
  });

  it('reuses a verification for maxAgeMs at most, whatever the expiry', () => {
    const cache = createVerifiedTokenCache({ maxEntries: 10, maxAgeMs: 60_000, clockToleranceSeconds: 0 });
    cache.set('token-a', principal, 10_000, 0);
    expect(cache.get('token-a', 59_999)).toEqual(principal);
    expect(cache.get('token-a', 60_000)).toBeUndefined();
  });

  it('drops the least recently used entry when full, and keeps nothing with maxEntries 0', () => {
    const cache = createVerifiedTokenCache({ maxEntries: 2, maxAgeMs: 60_000, clockToleranceSeconds: 0 });
    cache.set('a', principal, 100, 0);
    cache.set('b', principal, 100, 0);
    cache.get('a', 1);
    cache.set('c', principal, 100, 1);
    expect([cache.get('a', 2), cache.get('b', 2), cache.get('c', 2)].map(Boolean)).toEqual([true, false, true]);
    const off = createVerifiedTokenCache({ maxEntries: 0, maxAgeMs: 60_000, clockToleranceSeconds: 0 });
    off.set('a', principal, 100, 0);
    expect(off.size()).toBe(0);
  });
});

describe('authenticator with the cache', () => {
  const setup = async (cacheSize: string) => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    let keyLookups = 0;
    // Counts signature checks: jose asks for the key once per verification.
    const getKey: JWTVerifyGetKey = async () => {
      keyLookups++;
      return { ...jwk, alg: 'ES256' } as never;
    };
    const authenticator = createAuthenticator(readAuthConfig({ JWT_VERIFIED_CACHE_SIZE: cacheSize }, false), getKey);
    const sign = (sub: string, exp: number) =>
      new SignJWT({ scope: 'crm:read erp:read' })
        .setProtectedHeader({ alg: 'ES256' })
        .setSubject(sub)
        .setIssuer('bizgraph-dev')
        .setAudience('bizgraph')
        .setExpirationTime(exp)
        .sign(privateKey);
    return { authenticator, sign, lookups: () => keyLookups };
  };

  it('checks a token signature once, then answers the same principal from the cache', async () => {
    const { authenticator, sign, lookups } = await setup('100');
    const token = await sign('ana', Math.floor(Date.now() / 1000) + 600);
    const first = await authenticator.authenticate(`Bearer ${token}`);
    const second = await authenticator.authenticate(`Bearer ${token}`);
    expect(second).toEqual(first);
    expect(first).toEqual({ subject: 'ana', scopes: ['crm:read', 'erp:read'] });
    expect(lookups()).toBe(1);
    await authenticator.authenticate(`Bearer ${await sign('bo', Math.floor(Date.now() / 1000) + 600)}`);
    expect(lookups()).toBe(2);
  });

  it('never caches a refused token, and checks every time with the cache off', async () => {
    const { authenticator, sign, lookups } = await setup('0');
    const token = await sign('ana', Math.floor(Date.now() / 1000) + 600);
    await authenticator.authenticate(`Bearer ${token}`);
    await authenticator.authenticate(`Bearer ${token}`);
    expect(lookups()).toBe(2);
    const cached = await setup('100');
    const expired = await cached.sign('ana', Math.floor(Date.now() / 1000) - 120);
    await expect(cached.authenticator.authenticate(`Bearer ${expired}`)).rejects.toThrow(/token expired/);
    await expect(cached.authenticator.authenticate(`Bearer ${expired}`)).rejects.toThrow(/token expired/);
    expect(cached.lookups()).toBe(2);
  });
});
