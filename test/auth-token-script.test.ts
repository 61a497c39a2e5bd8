import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../gateway/src/auth/presets.js';
import { ROOT, startService, type ServiceProcess } from '../scripts/lib/processes.js';
import { dataset } from './helpers/expected.js';
import { graphql, http } from './helpers/graphql.js';
import { npmScript } from './helpers/npm-script.js';

/**
 * `npm run -s token` as a user runs it: one line on stdout, signed by the dev issuer key that a
 * gateway on the same data dir serves at `/.well-known/jwks.json` and accepts.
 */
let dataDir: string;
let gateway: ServiceProcess;
let jwks: JSONWebKeySet;

function token(args: string[], env: Record<string, string> = {}) {
  const { command, args: argv } = npmScript('token', args);
  const result = spawnSync(command, argv, {
    cwd: ROOT,
    env: { ...process.env, BIZGRAPH_DATA_DIR: dataDir, JWT_JWKS_URL: '', NODE_ENV: '', ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function verified(jwt: string) {
  const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(jwks), { issuer: 'bizgraph-dev', audience: 'bizgraph', algorithms: ['ES256'] });
  return { payload, protectedHeader };
}

const ONE_JWT_LINE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-token-'));
  // The script runs first, so it creates the key; the gateway then loads the same one.
  const first = token(['--preset', 'sales']);
  expect(first).toMatchObject({ status: 0, stderr: '' });
  const subgraphs = Object.fromEntries(['CRM', 'ERP', 'BILLING', 'SUPPORT'].map((name) => [`SUBGRAPH_${name}_URL`, 'http://127.0.0.1:9/graphql']));
  gateway = await startService({
    name: 'gateway',
    entry: 'gateway/src/main.ts',
    env: { PORT: '0', NODE_ENV: 'development', BIZGRAPH_DATA_DIR: dataDir, JWT_JWKS_URL: '', ...subgraphs },
  });
  jwks = (await http<JSONWebKeySet>('GET', `${gateway.url}/.well-known/jwks.json`)).body;
});
afterAll(async () => {
  await gateway?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run token', () => {
  it("prints one line, a finance token that verifies against the gateway's JWKS and is accepted by it", async () => {
    const result = token(['--preset', 'finance']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(ONE_JWT_LINE);
    const jwt = result.stdout.trim();
    const { payload, protectedHeader } = await verified(jwt);
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: jwks.keys[0]!.kid, typ: 'JWT' });
    expect(payload).toEqual({
      iss: 'bizgraph-dev',
      aud: 'bizgraph',
      sub: 'dev-finance',
      scope: PRESETS.finance.scopes.join(' '),
      iat: expect.any(Number),
      exp: payload.iat! + 3600,
    });
    const response = await graphql(gateway.url, '{ __typename }', undefined, { authorization: `Bearer ${jwt}` });
    expect(response).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
  });

  it('binds a portal token to a customer: customer_id and the seeded email', async () => {
    const byDefault = await verified(token(['--preset', 'portal']).stdout.trim());
    expect(byDefault.payload).toMatchObject({ sub: 'dev-portal', customer_id: 'cus_0001', email: dataset.customers[0]!.email, scope: PRESETS.portal.scopes.join(' ') });
    const chosen = await verified(token(['--preset', 'portal', '--customer', 'cus_0042']).stdout.trim());
    const customer = dataset.customers.find((candidate) => candidate.id === 'cus_0042')!;
    expect(chosen.payload).toMatchObject({ customer_id: 'cus_0042', email: customer.email });
  });

  it('signs explicit scopes with --sub and --ttl', async () => {
    const result = token(['--scopes', 'crm:read erp:read', '--sub', 'alice', '--ttl', '120']);
    expect(result.stdout).toMatch(ONE_JWT_LINE);
    const { payload } = await verified(result.stdout.trim());
    expect(payload).toEqual({ iss: 'bizgraph-dev', aud: 'bizgraph', sub: 'alice', scope: 'crm:read erp:read', iat: expect.any(Number), exp: payload.iat! + 120 });
  });

  it.each([
    [['--preset', 'nope'], 'unknown preset "nope"'],
    [['--bogus'], 'unknown argument "--bogus"'],
    [[], 'give --preset or --scopes'],
    [['--preset', 'sales', '--scopes', 'crm:read'], 'give --preset or --scopes, not both'],
    [['--scopes'], '--scopes needs a value'],
    [['--preset', 'sales', '--ttl', '0'], '--ttl: expected whole seconds'],
    [['--preset', 'portal', '--customer', 'cus_9999'], 'unknown customer "cus_9999"'],
    // A typo used to mint a token that silently lacked the scope.
    [['--scopes', 'crm:reed erp:read'], 'unknown scope "crm:reed" (did you mean "crm:read"?); known scopes: crm:read'],
    [['--scopes', 'erp:read,reports,billing:raed'], 'unknown scopes "reports", "billing:raed" (did you mean "billing:read"?)'],
  ])('%j: prints nothing on stdout, the reason on stderr, and exits 2', (args, message) => {
    const result = token(args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
  });

  it('refuses when JWT_JWKS_URL is set: the identity provider issues tokens then', () => {
    const result = token(['--preset', 'sales'], { JWT_JWKS_URL: 'https://idp.example/jwks.json' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('JWT_JWKS_URL is set');
  });
});
