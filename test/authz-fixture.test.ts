import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readGatewayConfig } from '../gateway/src/config.js';
import { readSupergraphPolicy } from '../gateway/src/authz/policy.js';
import { startService } from '../scripts/lib/processes.js';
import { composeSecure, SECURE_SUPERGRAPH_PATH } from './fixtures/secure/compose.js';
import { SECURE_SUPERGRAPH } from './fixtures/secure/harness.js';

/** The Globex fixture (a supergraph WITH a policy) and the gateway's refusal to serve a policy it cannot read. */
describe('Globex fixture supergraph', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'bizgraph-authz-fixture-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('is the fresh composition of the fixture SDLs (regenerate: npx tsx test/fixtures/secure/compose.ts)', () => {
    expect(readFileSync(SECURE_SUPERGRAPH_PATH, 'utf8')).toBe(composeSecure());
  });

  it('carries its policy on fields, on a type, and on the interface field composition derived', () => {
    const policy = readSupergraphPolicy(readFileSync(SECURE_SUPERGRAPH_PATH, 'utf8'));
    expect(policy.hasSecurityFeatures).toBe(true);
    const access = (coordinate: string) => policy.fields.get(coordinate)?.access;
    expect(access('User.email')).toEqual({ authenticated: true, scopes: [[['pii:read']]] });
    expect(access('Query.me')).toEqual({ authenticated: true, scopes: [] });
    expect(access('Order.invoice')).toEqual({ authenticated: true, scopes: [[['billing:read']]] });
    expect(access('Member.contact')).toEqual({ authenticated: true, scopes: [[['pii:read']]] });
    expect(access('Bot.contact')).toEqual({ authenticated: false, scopes: [] });
    expect(policy.executableSdl).not.toContain('for: SECURITY');
  });

  it('refuses to start on a supergraph whose policy it cannot read', async () => {
    const sdl = readFileSync(SECURE_SUPERGRAPH_PATH, 'utf8').replace(
      '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)',
      '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)\n  @link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)',
    );
    const path = join(scratch, 'unsupported-policy.graphql');
    writeFileSync(path, sdl);
    await expect(startService({ name: 'gateway', entry: 'gateway/src/main.ts', args: ['--supergraph', path], env: { PORT: '0', BIZGRAPH_DATA_DIR: scratch } })).rejects.toThrow(
      /exited \(1\) before listening:[\s\S]*invalid configuration: --supergraph: \S+unsupported-policy\.graphql: cannot read the authorization policy: unsupported security feature https:\/\/specs\.apollo\.dev\/policy\/v0\.1/,
    );
  });

  it('reads AUTHZ_MODE: filter by default, reject on request, anything else refused', () => {
    const argv = ['--supergraph', SECURE_SUPERGRAPH];
    expect(readGatewayConfig({}, argv).authzMode).toBe('filter');
    expect(readGatewayConfig({ AUTHZ_MODE: 'reject' }, argv).authzMode).toBe('reject');
    expect(() => readGatewayConfig({ AUTHZ_MODE: 'audit' }, argv)).toThrow('AUTHZ_MODE: expected "filter" or "reject", got "audit"');
  });
});
