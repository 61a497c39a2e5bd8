import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUndiciFetcher } from './undici-fetcher.js';

/** A subgraph stand-in that compresses like a proxy would: only what the client accepts. */
const BODY = JSON.stringify({ data: { orders: Array.from({ length: 200 }, (_, i) => ({ number: `SO-${100000 + i}` })) } });
let server: Server;
let url: string;
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push(request.headers);
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
