import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_ISSUER } from '../common/contracts/internal-token.js';
import { startService } from '../scripts/lib/processes.js';
import { freePort } from './fixtures/acme/harness.js';
import { graphql, http } from './helpers/graphql.js';
import { graphqlAsAdmin, startStack, type Stack } from './helpers/stack.js';

/**
 * Issue 15: a replica reads its internal-token key from a mounted file, not a data directory
 * shared with other gateways, and publishes a second key during a rotation, so subgraphs that
 * fetch the gateway's JWKS accept tokens from replicas on the new key and on the old one. In
 * production, a missing key file or a development secret stops the process naming the variable.
 */

const dir = mkdtempSync(join(tmpdir(), 'bizgraph-replica-keys-'));
const ed25519 = () => generateKeyPairSync('ed25519');
const [current, previous, stranger] = [ed25519(), ed25519(), ed25519()];
const kidOf = async (key: KeyObject) => {
  const { kty, crv, x } = key.export({ format: 'jwk' }) as JWK;
  return calculateJwkThumbprint({ kty, crv, x } as JWK);
};
/** An internal token as a gateway signs it, with any key. */
const internalTokenSignedBy = async (privateKey: KeyObject, audience: string, scopes: string) =>
  new SignJWT({ scope: scopes })
    .setProtectedHeader({ alg: 'EdDSA', kid: await kidOf(privateKey), typ: 'JWT' })
    .setIssuer(INTERNAL_ISSUER)
    .setAudience(audience)
    .setSubject('rotation-test')
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(privateKey);

let stack: Stack;
let gatewayBase: string;
beforeAll(async () => {
  // The signing key as PKCS#8 PEM, the key being rotated out as a public JWKS.
  const signingKeyFile = join(dir, 'gateway-internal.pem');
  writeFileSync(signingKeyFile, current.privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const verificationKeysFile = join(dir, 'previous.jwks.json');
  writeFileSync(verificationKeysFile, JSON.stringify({ keys: [previous.publicKey.export({ format: 'jwk' })] }));
  const port = await freePort();
  gatewayBase = `http://127.0.0.1:${port}`;
  stack = await startStack({
    // Every subgraph verifies with what the gateway publishes, over HTTP, as replicas would.
    env: { GATEWAY_JWKS_URL: `${gatewayBase}/.well-known/internal-jwks.json` },
    gatewayEnv: { PORT: String(port), GATEWAY_SIGNING_KEY_FILE: signingKeyFile, GATEWAY_VERIFICATION_KEYS_FILE: verificationKeysFile },
  });
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('internal-token keys of replicas', () => {
  it('signs with the mounted key and publishes it with the key being rotated out', async () => {
    const published = await http<{ keys: JWK[] }>('GET', `${gatewayBase}/.well-known/internal-jwks.json`);
    expect(published.body.keys.map((key) => key.kid)).toEqual([await kidOf(current.privateKey), await kidOf(previous.privateKey)]);
    expect(published.body.keys.every((key) => key.d === undefined && key.alg === 'EdDSA')).toBe(true);

    const answer = await graphqlAsAdmin(stack.gatewayUrl, '{ customer(id: "cus_0001") { id } orders(first: 1) { nodes { number } } }');
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data!.customer).toEqual({ id: 'cus_0001' });
  });

  it('has subgraphs accept a token signed with the previous key while it is published, and none signed with an unpublished one', async () => {
    const query = (token: string) => graphql(`${stack.subgraphs.crm.url}/graphql`, '{ customer(id: "cus_0001") { id } }', undefined, { authorization: `Bearer ${token}` });
    const fromOldReplica = await query(await internalTokenSignedBy(previous.privateKey, 'crm', 'crm:read'));
    expect(fromOldReplica.status).toBe(200);
    expect(fromOldReplica.body.data).toEqual({ customer: { id: 'cus_0001' } });
    const forged = await query(await internalTokenSignedBy(stranger.privateKey, 'crm', 'crm:read'));
    expect(forged.status).toBe(401);
  });
});

describe('production refuses development secrets and shared-directory keys', () => {
  const production = { PORT: '0', NODE_ENV: 'production', BIZGRAPH_DATA_DIR: dir };
  it.each([
    ['gateway', 'gateway/src/main.ts', { JWT_JWKS_URL: 'https://idp.example/jwks.json' }, 'GATEWAY_SIGNING_KEY_FILE: required when NODE_ENV=production'],
    ['crm subgraph', 'subgraphs/crm/main.ts', {}, 'GATEWAY_JWKS_URL: required when NODE_ENV=production'],
    ['crm subgraph', 'subgraphs/crm/main.ts', { GATEWAY_JWKS_URL: 'https://gateway.example/jwks' }, 'CRM_API_KEY: must be set to a secret of your own'],
    ['crm subgraph', 'subgraphs/crm/main.ts', { GATEWAY_JWKS_URL: 'https://gateway.example/jwks', CRM_API_KEY: 'dev-crm-key' }, 'CRM_API_KEY: must be set to a secret of your own'],
    ['crm subgraph', 'subgraphs/crm/main.ts', { GATEWAY_JWKS_URL: 'https://gateway.example/jwks', CRM_API_KEY: 'k' }, 'CRM_WEBHOOK_SECRET: must be set to a secret of your own'],
    ['support subgraph', 'subgraphs/support/main.ts', { GATEWAY_JWKS_URL: 'https://gateway.example/jwks' }, 'SUPPORT_API_KEY: must be set to a secret of your own'],
    [
      'logistics subgraph',
      'subgraphs/logistics/main.ts',
      { GATEWAY_JWKS_URL: 'https://gateway.example/jwks', LOGISTICS_API_KEY: 'k', LOGISTICS_WEBHOOK_SECRET: 'dev-logistics-webhook-secret' },
      'LOGISTICS_WEBHOOK_SECRET: must be set to a secret of your own',
    ],
  ])('%s (%s) with %j exits naming the variable', async (name, entry, env, message) => {
    await expect(startService({ name, entry, env: { ...production, ...env } })).rejects.toThrow(new RegExp(`exited \\(1\\) before listening:[\\s\\S]*${message}`));
  });
});
