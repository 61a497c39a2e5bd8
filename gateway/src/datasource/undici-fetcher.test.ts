import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptTimeout } from './attempt-timeout.js';
import { createUndiciFetcher } from './undici-fetcher.js';

/** A subgraph stand-in that compresses like a proxy would: only what the client accepts. */
const BODY = JSON.stringify({ data: { orders: Array.from({ length: 200 }, (_, i) => ({ number: `SO-${100000 + i}` })) } });
let server: Server;
let url: string;
const seen: IncomingHttpHeaders[] = [];
let slowAnswered = false;

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request.headers);
    const want = request.headers['x-want'];
    if (want === 'slow') {
      return void setTimeout(() => {
        slowAnswered = true;
        response.end(BODY);
      }, 2000);
    }
    if (want === 'bom') return void response.setHeader('content-type', 'application/json').end(`\uFEFF${BODY}`);
    if (want === 'repeated') {
      response.setHeader('x-multi', ['a', 'b']);
      return void response.end(BODY);
    }
    const accepted = String(request.headers['accept-encoding'] ?? '');
    response.setHeader('content-type', 'application/json');
    if (accepted.includes('br') && request.headers['x-want'] === 'br') {
      response.setHeader('content-encoding', 'br');
      return response.end(brotliCompressSync(BODY));
    }
    if (accepted.includes('gzip')) {
      response.setHeader('content-encoding', 'gzip');
      return response.end(gzipSync(BODY));
    }
    response.end(BODY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const options = { connections: 4, headersTimeoutMs: 5000, bodyTimeoutMs: 5000 };

describe('undici fetcher compression', () => {
  it('sends no accept-encoding when compression is off, and reads the plain body', async () => {
    const fetcher = createUndiciFetcher({ ...options, compression: false });
    seen.length = 0;
    const response = await fetcher.fetch(url, { method: 'POST', body: '{}' });
    expect(await response.text()).toBe(BODY);
    expect(seen[0]!['accept-encoding']).toBeUndefined();
    await fetcher.close();
  });

  it('asks for gzip or brotli when on, and hands the data source the decompressed JSON', async () => {
    const fetcher = createUndiciFetcher({ ...options, compression: true });
    seen.length = 0;
    const gzipped = await fetcher.fetch(url, { method: 'POST', body: '{}' });
    expect(await gzipped.json()).toEqual(JSON.parse(BODY));
    const brotli = await fetcher.fetch(url, { method: 'POST', body: '{}', headers: { 'x-want': 'br' } });
    expect(await brotli.text()).toBe(BODY);
    expect(seen.map((headers) => headers['accept-encoding'])).toEqual(['gzip, br', 'gzip, br']);
    await fetcher.close();
  });
});

describe('undici fetcher answers', () => {
  it("reads repeated headers joined and a body behind a byte-order mark, as undici's own body readers do", async () => {
    const fetcher = createUndiciFetcher({ ...options, compression: false });
    const repeated = await fetcher.fetch(url, { method: 'POST', body: '{}', headers: { 'x-want': 'repeated' } });
    expect([repeated.status, repeated.ok, repeated.headers.get('X-Multi'), repeated.headers.get('x-missing')]).toEqual([200, true, 'a, b', null]);
    const bom = await fetcher.fetch(url, { method: 'POST', body: '{}', headers: { 'x-want': 'bom' } });
    expect(await bom.json()).toEqual(JSON.parse(BODY));
    await fetcher.close();
  });

  it("rejects with the signal's reason as soon as it aborts, and the connection serves the next call", async () => {
    const fetcher = createUndiciFetcher({ ...options, connections: 1, compression: false });
    const slow = fetcher.fetch(url, { method: 'POST', body: '{}', headers: { 'x-want': 'slow' }, signal: AbortSignal.timeout(100) });
    await expect(slow).rejects.toMatchObject({ name: 'TimeoutError' });
    // Rejected before the subgraph answered, not when it did.
    expect(slowAnswered).toBe(false);
    const next = await fetcher.fetch(url, { method: 'POST', body: '{}' });
    expect(await next.text()).toBe(BODY);
    await fetcher.close();
  });

  it("rejects with an attempt timeout's TimeoutError as soon as it expires, without an abort signal", async () => {
    const fetcher = createUndiciFetcher({ ...options, connections: 1, compression: false });
    slowAnswered = false;
    const timeout = new AttemptTimeout(100);
    const slow = fetcher.fetch(url, { method: 'POST', body: '{}', headers: { 'x-want': 'slow' }, timeout });
    const reason: unknown = await slow.catch((error: unknown) => error);
    expect([reason === timeout.reason, timeout.reason?.name, slowAnswered]).toEqual([true, 'TimeoutError', false]);
    const next = await fetcher.fetch(url, { method: 'POST', body: '{}', timeout: new AttemptTimeout(5000) });
    expect(await next.text()).toBe(BODY);
    await fetcher.close();
  });

  it('rejects a call aborted before it is sent without sending it', async () => {
    const fetcher = createUndiciFetcher({ ...options, compression: false });
    seen.length = 0;
    const controller = new AbortController();
    controller.abort(new Error('not needed any more'));
    await expect(fetcher.fetch(url, { method: 'POST', body: '{}', signal: controller.signal })).rejects.toThrow('not needed any more');
    expect(seen).toEqual([]);
    await fetcher.close();
  });
});
