import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { readSupergraphPolicy } from '../authz/policy.js';
import { DEFAULT_SUPERGRAPH } from '../config.js';
import { createCatalogCache } from './catalog.js';
import { readExplorerConfig } from './config.js';
import { createExplorerRoutes, EXPLORER_CSP } from './routes.js';

/** The explorer's switches and routes without a browser: when it is served, and what production never does. */

const assets = mkdtempSync(join(tmpdir(), 'bizgraph-explorer-'));
mkdirSync(join(assets, 'assets'));
writeFileSync(join(assets, 'index.html'), '<!doctype html><title>explorer</title>');
writeFileSync(join(assets, 'assets', 'index-abc123.js'), 'console.log(1)');
const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-explorer-data-'));
afterAll(() => {
  rmSync(assets, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

// The committed supergraph and its policy, as a gateway version holds them.
const supergraphSdl = readFileSync(DEFAULT_SUPERGRAPH, 'utf8');
const catalog = {
  cache: createCatalogCache(),
  active: () => ({ hash: 'v1', coreSupergraphSdl: supergraphSdl, policy: readSupergraphPolicy(supergraphSdl) }),
  // Stands in for the gateway's authenticator: `admin` holds schema:introspect, `sales` does not, `forged` is refused.
  scopesOf: async (authorization: string | undefined) => {
    if (authorization === 'Bearer forged') throw new Error('invalid token');
    return authorization === 'Bearer admin' ? ['crm:read', 'schema:introspect'] : authorization === 'Bearer sales' ? ['crm:read'] : null;
  },
};

async function appWith(production: boolean, env: Record<string, string> = {}) {
  const config = readExplorerConfig({ EXPLORER_ASSETS_DIR: assets, ...env }, production);
  const routes = createExplorerRoutes({ config, production, devIssuer: { dataDir }, log: () => {}, catalog });
  const app = Fastify();
  routes?.register(app);
  // Stands in for the GraphQL route, to see which requests reach it.
  app.get('/graphql', async () => 'graphql');
  return { app, routes };
}

describe('the explorer routes', () => {
  it('are on in development and off in production unless EXPLORER=on; EXPLORER takes on or off only', () => {
    expect(readExplorerConfig({}, false).enabled).toBe(true);
    expect(readExplorerConfig({}, true).enabled).toBe(false);
    expect(readExplorerConfig({ EXPLORER: 'on' }, true).enabled).toBe(true);
    expect(readExplorerConfig({ EXPLORER: 'off' }, false).enabled).toBe(false);
    expect(() => readExplorerConfig({ EXPLORER: 'yes' }, false)).toThrow(/EXPLORER.*"on" or "off"/);
    expect(readExplorerConfig({ BIZGRAPH_BUILD_DIR: 'dist' }, false).assetsDirs[0]).toMatch(/\/dist\/explorer$/);
  });

  it('serves the page with a CSP that allows this origin only, and content-hashed assets for good', async () => {
    const { app } = await appWith(false);
    const root = await app.inject({ method: 'GET', url: '/' });
    expect([root.statusCode, root.headers.location]).toEqual([302, '/explorer']);
    const page = await app.inject({ method: 'GET', url: '/explorer' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toBe(EXPLORER_CSP);
    expect(EXPLORER_CSP).toContain("connect-src 'self'");
    expect(page.body).toContain('<title>explorer</title>');
    const script = await app.inject({ method: 'GET', url: '/explorer/assets/index-abc123.js' });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ method: 'GET', url: '/explorer/assets/../index.html' })).statusCode).toBe(404);
    // A browser's address bar on /graphql gets the page; a GraphQL GET (with a query) or a client not asking for HTML does not.
    expect((await app.inject({ method: 'GET', url: '/graphql', headers: { accept: 'text/html,application/xhtml+xml' } })).body).toContain('<title>explorer</title>');
    expect((await app.inject({ method: 'GET', url: '/graphql?query={__typename}', headers: { accept: 'text/html' } })).body).toBe('graphql');
    expect((await app.inject({ method: 'GET', url: '/graphql', headers: { accept: 'application/json' } })).body).toBe('graphql');
  });

  it('mints development tokens for the presets that are not bound to a customer, in development only', async () => {
    const development = await appWith(false);
    expect((await development.app.inject({ method: 'GET', url: '/explorer/config' })).json()).toEqual({
      development: true,
      presets: ['sales', 'finance', 'support', 'reporting', 'operations', 'admin'],
    });
    const minted = await development.app.inject({ method: 'POST', url: '/explorer/dev-token?preset=sales' });
    expect(minted.statusCode).toBe(200);
    expect(JSON.parse(Buffer.from(minted.json<{ token: string }>().token.split('.')[1]!, 'base64url').toString()).sub).toBe('dev-sales');
    expect((await development.app.inject({ method: 'POST', url: '/explorer/dev-token?preset=portal' })).statusCode).toBe(400);
    // Only for the person at this machine: a development gateway on a network address mints nothing for others.
    const remote = await development.app.inject({ method: 'POST', url: '/explorer/dev-token?preset=admin', remoteAddress: '10.1.2.3' });
    expect([remote.statusCode, remote.json().error]).toEqual([403, 'development tokens are minted for requests from this machine only']);

    const production = await appWith(true, { EXPLORER: 'on' });
    expect((await production.app.inject({ method: 'GET', url: '/explorer/config' })).json()).toEqual({ development: false, presets: [] });
    expect((await production.app.inject({ method: 'POST', url: '/explorer/dev-token?preset=admin' })).statusCode).toBe(404);
    expect((await production.app.inject({ method: 'GET', url: '/explorer' })).statusCode).toBe(200);
  });

  it("serves the catalog's owner, scopes and tags per field, as open as introspection: to everyone in development, to schema:introspect in production", async () => {
    const development = await appWith(false);
    const open = await development.app.inject({ method: 'GET', url: '/explorer/catalog' });
    expect(open.statusCode).toBe(200);
    expect(open.json().fields['Customer.email']).toEqual({
      systems: ['crm', 'support'],
      teams: ['customer-care-tools', 'customer-platform'],
      scopes: 'crm:read AND pii:read',
      authenticated: true,
      tags: ['pii'],
    });
    const production = await appWith(true, { EXPLORER: 'on' });
    const asked = (token?: string) => production.app.inject({ method: 'GET', url: '/explorer/catalog', headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect((await asked()).statusCode).toBe(403);
    expect((await asked('sales')).statusCode).toBe(403);
    expect((await asked('forged')).statusCode).toBe(401);
    expect((await asked('admin')).json().fields['Customer.email'].scopes).toBe('crm:read AND pii:read');
  });

  it('registers nothing when off, and explains how to build the page when its files are missing', async () => {
    expect((await appWith(true)).routes).toBeUndefined();
    const missing = createExplorerRoutes({ config: { enabled: true, assetsDirs: [join(assets, 'nowhere')] }, production: false, log: () => {} })!;
    const app = Fastify();
    missing.register(app);
    const page = await app.inject({ method: 'GET', url: '/explorer' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build');
  });
});
