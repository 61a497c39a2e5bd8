import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCompression } from './compression.js';

const LARGE = JSON.stringify({ data: { orders: Array.from({ length: 200 }, (_, i) => ({ number: `SO-${100000 + i}` })) } });
const SMALL = JSON.stringify({ data: { customer: { id: 'C-1' } } });
let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify();
  registerCompression(app);
  app.post('/graphql', async (request, reply) => reply.type('application/json').send((request.body as { size: string }).size === 'large' ? LARGE : SMALL));
  app.get('/healthz', async (_request, reply) => reply.type('application/json').send(LARGE));
  await app.ready();
});
afterAll(() => app.close());

const post = (size: string, headers: Record<string, string>) => app.inject({ method: 'POST', url: '/graphql', payload: { size }, headers });

describe('subgraph response compression', () => {
  it('gzips a large /graphql answer for a caller that accepts gzip', async () => {
    const response = await post('large', { 'accept-encoding': 'gzip, br' });
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers.vary).toBe('accept-encoding');
    expect(response.rawPayload.length).toBeLessThan(LARGE.length / 4);
    expect(gunzipSync(response.rawPayload).toString()).toBe(LARGE);
  });

  it('sends the plain body when the caller does not accept gzip', async () => {
    const response = await post('large', {});
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.body).toBe(LARGE);
  });

  it('leaves answers under 1 KiB and non-GraphQL routes alone', async () => {
    const small = await post('small', { 'accept-encoding': 'gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.body).toBe(SMALL);
    const health = await app.inject({ method: 'GET', url: '/healthz', headers: { 'accept-encoding': 'gzip' } });
    expect(health.headers['content-encoding']).toBeUndefined();
  });
});
