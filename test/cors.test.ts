import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../scripts/lib/processes.js';
import { launchChromium, watchedPage } from './helpers/browser.js';
import { devToken } from './helpers/tokens.js';
import { freePort, startAcme, startGateway, stopAll } from './fixtures/acme/harness.js';

/**
 * Issue 18, CORS: a browser app on another origin listed in CORS_ORIGINS calls the gateway (its
 * preflight answered, its answer and exposed headers readable); one on an unlisted origin cannot.
 * Before, the preflight got a 400 CSRF body and no access-control-allow-origin, and Chromium
 * reported "blocked by CORS policy" for every origin.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-cors-'));
let inventory: ServiceProcess;
let gateway: ServiceProcess;
let browser: Browser;
const pages: Server[] = [];
let allowedOrigin = '';
let otherOrigin = '';
let token = '';

/** A page server on its own origin: what a frontend's dev server is. */
async function pageServer(): Promise<string> {
  const port = await freePort();
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title><p>app</p>'));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  pages.push(server);
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  [allowedOrigin, otherOrigin] = [await pageServer(), await pageServer()];
  inventory = await startAcme('inventory');
  gateway = await startGateway({ BIZGRAPH_DATA_DIR: dataDir, SUBGRAPH_INVENTORY_URL: `${inventory.url}/graphql`, CORS_ORIGINS: `${allowedOrigin}, https://app.example.com` });
  browser = await launchChromium();
  token = await devToken(dataDir, { preset: 'sales' });
});
afterAll(async () => {
  await browser?.close();
  await stopAll([gateway, inventory]);
  for (const server of pages) server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** What a page's `fetch` to the gateway came to, seen from inside the page. */
async function fetchFrom(origin: string): Promise<{ ok: true; status: number; body: unknown; traceId: string | null } | { ok: false; error: string }> {
  const watched = await watchedPage(browser, origin);
  try {
    await watched.page.goto(`${origin}/`);
    return await watched.page.evaluate(
      async ({ url, bearer }) => {
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}`, 'apollographql-client-name': 'web-app' },
            body: JSON.stringify({ query: '{ __typename }' }),
          });
          return { ok: true as const, status: response.status, body: await response.json(), traceId: response.headers.get('x-trace-id') };
        } catch (error) {
          return { ok: false as const, error: String(error) };
        }
      },
      { url: `${gateway.url}/graphql`, bearer: token },
    );
  } finally {
    await watched.close();
  }
}

const preflight = (origin: string, headers = 'authorization, content-type, apollographql-client-name, x-request-id') =>
  request(`${gateway.url}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers } });

describe('CORS in Chromium', () => {
  it('lets a page on a listed origin call the gateway and read its trace id', async () => {
    const answer = await fetchFrom(allowedOrigin);
    expect(answer).toEqual({ ok: true, status: 200, body: expect.objectContaining({ data: { __typename: 'Query' } }), traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it('blocks a page on any other origin', async () => {
    expect(await fetchFrom(otherOrigin)).toEqual({ ok: false, error: expect.stringContaining('Failed to fetch') });
  });
});

describe('CORS over HTTP', () => {
  it("answers a listed origin's preflight 204 with the methods and headers a client sends", async () => {
    const answer = await preflight(allowedOrigin);
    await answer.body.dump();
    expect(answer.statusCode).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe(allowedOrigin);
    expect(answer.headers['access-control-allow-methods']).toBe('GET, POST, OPTIONS');
    for (const header of ['authorization', 'content-type', 'apollographql-client-name', 'x-request-id'])
      expect(String(answer.headers['access-control-allow-headers'])).toContain(header);
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it("refuses an unlisted origin's preflight 403 CORS_ORIGIN_NOT_ALLOWED, and gives its requests no CORS headers", async () => {
    const refused = await preflight(otherOrigin);
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(((await refused.body.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('CORS_ORIGIN_NOT_ALLOWED');
    const simple = await request(`${gateway.url}/graphql?query=%7B__typename%7D`, { headers: { origin: otherOrigin, 'apollo-require-preflight': 'true' } });
    await simple.body.dump();
    expect(simple.statusCode).toBe(200);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('exposes the trace id and cache headers to a listed origin, and keeps CSRF prevention for requests a form could send', async () => {
    const allowed = await request(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { origin: allowedOrigin, 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    await allowed.body.dump();
    expect(allowed.headers['access-control-allow-origin']).toBe(allowedOrigin);
    expect(String(allowed.headers['access-control-expose-headers'])).toBe('x-trace-id, x-request-id, bizgraph-response-cache, cache-control, retry-after');
    const form = await request(`${gateway.url}/graphql`, { method: 'POST', headers: { origin: allowedOrigin, 'content-type': 'text/plain' }, body: '{"query":"{ __typename }"}' });
    expect(form.statusCode).toBe(400);
    expect(await form.body.text()).toContain('Cross-Site Request Forgery');
  });
});
