import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { issueDevToken } from '../auth/dev-token.js';
import { isPresetName, PRESETS } from '../auth/presets.js';
import { INTROSPECTION_SCOPE, mayReadSchema } from '../features/introspection/index.js';
import type { CatalogCache, CatalogSource } from './catalog.js';
import type { ExplorerConfig } from './config.js';

/**
 * Serves the explorer (apps/explorer, built by Vite into static files) at `/explorer`, and at
 * `/graphql` for a browser's navigation (`GET` asking for HTML, no query), with a Content-Security-
 * Policy that lets the page load and call nothing but this gateway. Files are read once at start.
 */

/** Everything from this origin only; Monaco's editor workers start from blob: URLs and set inline styles. */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

interface Asset {
  body: Buffer;
  type: string;
}

export interface ExplorerRoutesOptions {
  config: ExplorerConfig;
  production: boolean;
  /** Where the dev issuer's key lives (`BIZGRAPH_DATA_DIR`); the dev presets are offered only when the gateway trusts that issuer. */
  devIssuer?: { dataDir: string };
  log(message: string, fields: Record<string, unknown>): void;
  /** The docs pane's annotations of the active supergraph version (`GET /explorer/catalog`). */
  catalog?: {
    cache: CatalogCache;
    active(): CatalogSource;
    /** The caller's scopes; throws for an invalid token (answered 401). */
    scopesOf(authorization: string | undefined): Promise<readonly string[] | null>;
  };
}

export interface ExplorerRoutes {
  /** The routes, and an app-wide hook that answers a browser opening `/graphql` with the page, before the route's own hooks (so no audit line for a page load). */
  register(app: FastifyInstance): void;
}

export function createExplorerRoutes(options: ExplorerRoutesOptions): ExplorerRoutes | undefined {
  if (!options.config.enabled) return undefined;
  const dir = options.config.assetsDirs.find((candidate) => existsSync(join(candidate, 'index.html')));
  const assets = dir ? readAssets(dir) : new Map<string, Asset>();
  if (!dir) options.log('explorer assets not built: /explorer explains how to build them', { looked: options.config.assetsDirs });
  const presets = options.devIssuer && !options.production ? Object.entries(PRESETS).flatMap(([name, preset]) => (preset.customerBound ? [] : [name])) : [];

  const page = (reply: FastifyReply, file = '/index.html') => {
    const index = assets.get(file);
    void reply.header('content-security-policy', EXPLORER_CSP).header('x-content-type-options', 'nosniff').header('cache-control', 'no-cache');
    if (!index)
      return reply.code(503).type('text/plain; charset=utf-8').send('The explorer is not built: run `npm run build` (or `npm start`, which builds it) and restart the gateway.');
    return reply.type(index.type).send(index.body);
  };

  return {
    register(app) {
      app.addHook('onRequest', (request, reply, done) => {
        if (isBrowserOpeningGraphQL(request)) page(reply);
        else done();
      });
      // The gateway's root has nothing else to show a browser.
      app.get('/', (_request, reply) => reply.redirect('/explorer', 302));
      app.get('/explorer', (_request, reply) => page(reply));
      app.get('/explorer/', (_request, reply) => page(reply));
      // The governance console: the page is open, its APIs need governance:read (console/api.ts).
      app.get('/console', (_request, reply) => page(reply, '/console.html'));
      // The executive report: the page is open, its figures come from /graphql with the token it holds.
      app.get('/report', (_request, reply) => page(reply, '/report.html'));
      app.get('/explorer/assets/*', (request, reply) => {
        const asset = assets.get(new URL(request.url, 'http://explorer.invalid').pathname.slice('/explorer'.length));
        if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('not found');
        // Vite names every asset after its content: cached for good.
        return reply.header('cache-control', 'public, max-age=31536000, immutable').header('x-content-type-options', 'nosniff').type(asset.type).send(asset.body);
      });
      // As open as introspection: to everyone outside production, in production to schema:introspect.
      app.get('/explorer/catalog', async (request, reply) => {
        if (!options.catalog) return reply.code(404).send({ error: 'no catalog here' });
        let scopes: readonly string[] | null;
        try {
          scopes = await options.catalog.scopesOf(request.headers.authorization);
        } catch {
          return reply.code(401).send({ error: 'invalid token' });
        }
        if (!mayReadSchema(options.production, scopes)) return reply.code(403).send({ error: `the catalog needs the ${INTROSPECTION_SCOPE} scope` });
        return reply.header('cache-control', 'no-cache').type('application/json; charset=utf-8').send(options.catalog.cache.annotationsOf(options.catalog.active()));
      });
      app.get('/explorer/config', (_request, reply) => reply.send({ development: !options.production, presets }));
      app.post('/explorer/dev-token', async (request, reply) => {
        // Minting over HTTP is for the person at this machine (as `npm run token` is): a development
        // gateway bound to a network address must not hand an admin token to anyone who asks.
        if (!isLoopback(request.socket.remoteAddress)) return reply.code(403).send({ error: 'development tokens are minted for requests from this machine only' });
        const preset = (request.query as Record<string, string | undefined>).preset ?? '';
        if (!options.devIssuer || !presets.includes(preset) || !isPresetName(preset)) {
          return reply
            .code(presets.length === 0 ? 404 : 400)
            .send({ error: presets.length === 0 ? 'no development tokens here' : `unknown preset "${preset}": one of ${presets.join(', ')}` });
        }
        const token = await issueDevToken(options.devIssuer.dataDir, { preset }, () => undefined);
        return reply.header('cache-control', 'no-store').send({ token });
      });
    },
  };
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** `GET /graphql` asking for HTML, without a query: a browser's address bar, not a GraphQL client. */
function isBrowserOpeningGraphQL(request: FastifyRequest): boolean {
  return request.method === 'GET' && request.url === '/graphql' && (request.headers.accept ?? '').includes('text/html');
}

/** Every file under `dir`, keyed by its path from `dir` (`/assets/index-abc.js`). */
function readAssets(dir: string, prefix = ''): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(join(dir, prefix))) {
    const path = `${prefix}/${name}`;
    if (statSync(join(dir, path)).isDirectory()) {
      for (const [key, asset] of readAssets(dir, path)) assets.set(key, asset);
    } else {
      assets.set(path, { body: readFileSync(join(dir, path)), type: TYPES[extname(name)] ?? 'application/octet-stream' });
    }
  }
  return assets;
}
