import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GraphQLError } from 'graphql';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../common/config.js';
import { createAuthenticator } from '../gateway/src/auth/authenticate.js';
import { readAuthConfig, type AuthConfig } from '../gateway/src/auth/config.js';
import { loadUserKeys } from '../gateway/src/auth/jwks.js';
import { readSubgraphBaseConfig } from '../subgraphs/shared/config.js';
import { startGateway } from './fixtures/acme/harness.js';

/** The JWT settings (gateway) and GATEWAY_JWKS_URL (subgraphs), and how claims become a principal. */
describe('readAuthConfig', () => {
  it('defaults to the dev issuer outside production', () => {
    expect(readAuthConfig({}, false)).toEqual({
      jwks: { kind: 'dev' },
      issuer: 'bizgraph-dev',
      audience: 'bizgraph',
      customerClaim: 'customer_id',
      emailClaim: 'email',
      clockToleranceSeconds: 30,
      maxTokenBytes: 8192,
      verifiedTokenCacheSize: 10_000,
      jwksCooldownSeconds: 30,
      dataDir: '.data',
    });
  });

  it('reads every setting', () => {
    const env = {
      JWT_JWKS_URL: 'https://idp.example/.well-known/jwks.json',
      JWT_ISSUER: 'https://idp.example/',
      JWT_AUDIENCE: 'api://bizgraph',
      JWT_SCOPE_CLAIM: 'permissions',
      JWT_CUSTOMER_CLAIM: 'https://bizgraph.example/customer',
      JWT_EMAIL_CLAIM: 'upn',
      JWT_CLOCK_TOLERANCE_SECONDS: '5',
      JWT_MAX_BYTES: '4096',
      JWT_VERIFIED_CACHE_SIZE: '0',
      JWT_JWKS_COOLDOWN_SECONDS: '60',
      BIZGRAPH_DATA_DIR: '/var/lib/bizgraph',
      GATEWAY_SIGNING_KEY_FILE: '/run/secrets/gateway-internal.pem',
      GATEWAY_VERIFICATION_KEYS_FILE: 'keys/previous.jwks.json',
    };
    expect(readAuthConfig(env, true)).toEqual({
      jwks: { kind: 'remote', url: 'https://idp.example/.well-known/jwks.json' },
      issuer: 'https://idp.example/',
      audience: 'api://bizgraph',
      scopeClaim: 'permissions',
      customerClaim: 'https://bizgraph.example/customer',
      emailClaim: 'upn',
      clockToleranceSeconds: 5,
      maxTokenBytes: 4096,
      verifiedTokenCacheSize: 0,
      jwksCooldownSeconds: 60,
      dataDir: '/var/lib/bizgraph',
      signingKeyFiles: { signingKeyFile: '/run/secrets/gateway-internal.pem', verificationKeysFile: resolve('keys/previous.jwks.json') },
    });
  });

  it('takes a local JWKS as a path or a file: URL', () => {
    expect(readAuthConfig({ JWT_JWKS_URL: 'keys/idp.json' }, false).jwks).toEqual({ kind: 'file', path: resolve('keys/idp.json') });
    expect(readAuthConfig({ JWT_JWKS_URL: pathToFileURL('/etc/idp.json').href }, false).jwks).toEqual({ kind: 'file', path: '/etc/idp.json' });
  });

  it.each([
    [{}, true, 'JWT_JWKS_URL'],
    [{ JWT_JWKS_URL: 'https://idp.example/jwks' }, true, 'GATEWAY_SIGNING_KEY_FILE'],
    [{ GATEWAY_VERIFICATION_KEYS_FILE: 'keys/previous.jwks.json' }, false, 'GATEWAY_VERIFICATION_KEYS_FILE'],
    [{ JWT_JWKS_URL: 'ftp://idp.example/jwks' }, false, 'JWT_JWKS_URL'],
    [{ JWT_CLOCK_TOLERANCE_SECONDS: '-1' }, false, 'JWT_CLOCK_TOLERANCE_SECONDS'],
    [{ JWT_MAX_BYTES: 'big' }, false, 'JWT_MAX_BYTES'],
    [{ JWT_JWKS_COOLDOWN_SECONDS: '1.5' }, false, 'JWT_JWKS_COOLDOWN_SECONDS'],
  ] as const)('rejects %j (production: %s) naming %s', (env, production, variable) => {
    let error: unknown;
    try {
      readAuthConfig(env, production);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
  });

  it('stops a production gateway without JWT_JWKS_URL, naming the variable', async () => {
    await expect(startGateway({ NODE_ENV: 'production' })).rejects.toThrow(
      /exited \(1\) before listening:[\s\S]*invalid configuration: JWT_JWKS_URL: required when NODE_ENV=production/,
    );
  });
});

describe('GATEWAY_JWKS_URL (subgraphs)', () => {
  it("defaults to the gateway's JWKS file in the data dir, and takes a URL or a path", () => {
    expect(readSubgraphBaseConfig({ BIZGRAPH_DATA_DIR: '/data' }, 4001).gatewayJwks).toEqual({ kind: 'file', path: '/data/keys/gateway-internal.jwks.json' });
    const url = 'http://127.0.0.1:4000/.well-known/internal-jwks.json';
    expect(readSubgraphBaseConfig({ GATEWAY_JWKS_URL: url }, 4001).gatewayJwks).toEqual({ kind: 'url', url });
    expect(readSubgraphBaseConfig({ GATEWAY_JWKS_URL: '/keys/gw.json' }, 4001).gatewayJwks).toEqual({ kind: 'file', path: '/keys/gw.json' });
    expect(() => readSubgraphBaseConfig({ GATEWAY_JWKS_URL: 'ftp://x/jwks' }, 4001)).toThrow(ConfigError);
  });
});

describe('claims → principal (local JWKS file)', () => {
  let dir: string;
  let sign: (claims: Record<string, unknown>) => Promise<string>;
  let config: AuthConfig;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bizgraph-claims-'));
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    writeFileSync(join(dir, 'idp.json'), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] }));
    sign = (claims) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer('idp').setAudience('api').setSubject('u-7').setExpirationTime('5m').sign(privateKey);
    config = readAuthConfig({ JWT_JWKS_URL: join(dir, 'idp.json'), JWT_ISSUER: 'idp', JWT_AUDIENCE: 'api', BIZGRAPH_DATA_DIR: dir }, false);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const authenticate = async (settings: Partial<AuthConfig>, claims: Record<string, unknown>) => {
    const merged = { ...config, ...settings };
    const { getKey } = await loadUserKeys(merged);
    return createAuthenticator(merged, getKey).authenticate(`Bearer ${await sign(claims)}`);
  };

  it.each([
    ['scope (space-separated)', {}, { scope: 'crm:read  erp:read' }, ['crm:read', 'erp:read']],
    ['scp (array)', {}, { scp: ['crm:read', 'billing:read'] }, ['crm:read', 'billing:read']],
    ['scp (space-separated)', {}, { scp: 'support:read' }, ['support:read']],
    ['scope before scp', {}, { scope: 'crm:read', scp: ['pii:read'] }, ['crm:read']],
    ['no scope claim', {}, {}, []],
    ['a configured claim', { scopeClaim: 'permissions' }, { permissions: ['finance:read'], scope: 'crm:read' }, ['finance:read']],
  ] as const)('reads scopes from %s', async (_name, settings, claims, scopes) => {
    expect(await authenticate(settings, claims)).toEqual({ subject: 'u-7', scopes });
  });

  it('reads customer_id and email, or the configured claims', async () => {
    expect(await authenticate({}, { customer_id: 'cus_0009', email: 'a@b.example' })).toEqual({ subject: 'u-7', scopes: [], customerId: 'cus_0009', email: 'a@b.example' });
    expect(await authenticate({ customerClaim: 'cust', emailClaim: 'upn' }, { cust: 'cus_0002', upn: 'c@d.example', customer_id: 'cus_0001' })).toEqual({
      subject: 'u-7',
      scopes: [],
      customerId: 'cus_0002',
      email: 'c@d.example',
    });
  });

  it('refuses a scope claim of another type instead of guessing', async () => {
    const refused = await authenticate({}, { scope: 42 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GraphQLError);
    expect((refused as GraphQLError).message).toBe('Invalid bearer token: invalid scope claim');
  });

  it('refuses to start on a JWKS file that is not one', async () => {
    writeFileSync(join(dir, 'broken.json'), '{"nope":1}');
    await expect(loadUserKeys({ ...config, jwks: { kind: 'file', path: join(dir, 'broken.json') } })).rejects.toThrow(ConfigError);
  });
});
