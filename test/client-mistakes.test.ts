import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../scripts/lib/processes.js';
import { devToken, mountedSigningKeyFile } from './helpers/tokens.js';
import { startAcme, startGateway, stopAll } from './fixtures/acme/harness.js';
import { countRequestsTo, type UpstreamCounter } from './limits-upstream-counter.js';

/**
 * Issue 14: every client mistake is a 4xx with a stable code, in development and in production,
 * and nothing runs (no subgraph is asked, nothing is stored). Each case below was a 500, a wrong
 * code or a subgraph round trip before (an unknown operationName: 500 from the executor; a
 * subscription: 500 from the authorization rewrite; a hash mismatch: 400 INTERNAL_SERVER_ERROR;
 * a NUL: PostgreSQL's error; a 1 MB id: HTTP 431 from the system; fastify's own error bodies).
 */

const SMALL_LIMITS = { LIMIT_MAX_STRING_BYTES: '64', LIMIT_MAX_QUERY_BYTES: '2048' };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Answer {
  status: number;
  contentType: string | undefined;
  text: string;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await request(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await response.body.text();
  return { status: response.statusCode, contentType: response.headers['content-type'] as string | undefined, text, body: JSON.parse(text) as Answer['body'] };
}

describe.each([
  ['development', false],
  ['production', true],
])('client mistakes at the gateway (%s)', (_mode, production) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-mistakes-'));
  let inventory: ServiceProcess;
  let gateway: ServiceProcess;
  let counter: UpstreamCounter;
  let authorization: Record<string, string> = {};
  const send = (body: unknown, headers: Record<string, string> = {}) => post(gateway.url, JSON.stringify(body), { ...authorization, ...headers });

  beforeAll(async () => {
    inventory = await startAcme('inventory');
    counter = await countRequestsTo(inventory.url);
    const productionEnv: Record<string, string> = production
      ? { NODE_ENV: 'production', JWT_JWKS_URL: join(dataDir, 'keys', 'dev-issuer.jwks.json'), GATEWAY_SIGNING_KEY_FILE: await mountedSigningKeyFile(dataDir) }
      : {};
    if (production) authorization = { authorization: `Bearer ${await devToken(dataDir, { preset: 'admin' })}` };
    gateway = await startGateway({
      BIZGRAPH_DATA_DIR: dataDir,
      ...SMALL_LIMITS,
      ...productionEnv,
      SUBGRAPH_INVENTORY_URL: `${counter.url}/graphql`,
      SUBGRAPH_REVIEWS_URL: `${counter.url}/graphql`,
    });
  });
  afterAll(async () => {
    await stopAll([gateway, inventory]);
    await counter.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => counter.reset());

  /** A 4xx in GraphQL's format with one error of `code`, no stack trace or path of ours, and no subgraph asked. */
  const expectRefused = (answer: Answer, status: number, code: string, extensions: Record<string, unknown> = {}) => {
    expect(answer.status, answer.text).toBe(status);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors![0]!.extensions).toMatchObject({ code, ...extensions });
    expect(answer.body.data).toBeUndefined();
    expect(answer.text).not.toMatch(/stacktrace|\/work\/|node_modules|\.ts:\d/);
    expect(counter.count(), 'subgraph requests').toBe(0);
  };

  it('answers a well-formed request (the baseline the refusals are measured against)', async () => {
    const answer = await send({ query: '{ product(id: "p1") { id } }' });
    expect(answer.body).toMatchObject({ data: { product: { id: 'p1' } } });
    expect(counter.count()).toBe(1);
  });

  it('refuses an unknown operationName, and several operations without one, with 400 OPERATION_RESOLUTION_FAILURE', async () => {
    const twoOperations = 'query A { products { id } } query B { products { id } }';
    expectRefused(await send({ query: twoOperations, operationName: 'C' }), 400, 'OPERATION_RESOLUTION_FAILURE');
    expect((await send({ query: twoOperations, operationName: 'C' })).body.errors![0]!.message).toBe('Unknown operation named "C".');
    const unnamed = await send({ query: twoOperations });
    expectRefused(unnamed, 400, 'OPERATION_RESOLUTION_FAILURE');
    expect(unnamed.body.errors![0]!.message).toBe('Must provide operation name if query contains multiple operations.');
  });

  it('refuses a subscription, and a mutation on a schema without mutations, with 400 GRAPHQL_VALIDATION_FAILED', async () => {
    const subscription = await send({ query: 'subscription Watch { products { id } }' });
    expectRefused(subscription, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(subscription.body.errors![0]!.message).toBe('The subscription operation is not supported by the schema.');
    expectRefused(await send({ query: 'mutation { products { id } }' }), 400, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses a persisted-query hash that is not the text’s with 400 PERSISTED_QUERY_HASH_MISMATCH, storing nothing', async () => {
    const query = '{ products { id } }';
    const wrongHash = sha256('{ product(id: "p2") { id } }');
    expectRefused(await send({ query, extensions: { persistedQuery: { version: 1, sha256Hash: wrongHash } } }), 400, 'PERSISTED_QUERY_HASH_MISMATCH');
    const lookup = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: wrongHash } } });
    expect(lookup.body.errors![0]!.extensions!.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('refuses a NUL or invalid Unicode in a literal or a variable with 400 BAD_USER_INPUT naming the field', async () => {
    const literal = await send({ query: '{ product(id: "p1\\u0000") { id } }' });
    expectRefused(literal, 400, 'BAD_USER_INPUT', { field: 'product.id' });
    expect(literal.body.errors![0]).toMatchObject({ locations: [{ line: 1, column: 15 }] });
    const byId = 'query ById($id: ID!) { product(id: $id) { id } }';
    expectRefused(await send({ query: byId, variables: { id: 'p1\u0000' } }), 400, 'BAD_USER_INPUT', { field: 'id' });
    // A lone surrogate, as JSON may escape it: no system could store it as sent.
    const surrogate = await post(gateway.url, `{"query":${JSON.stringify(byId)},"variables":{"id":"p1\\ud800"}}`, authorization);
    expectRefused(surrogate, 400, 'BAD_USER_INPUT', { field: 'id' });
    expect(surrogate.body.errors![0]!.message).toContain('not valid Unicode');
  });

  it('refuses a string over LIMIT_MAX_STRING_BYTES (in bytes, not characters) with OPERATION_LIMIT_EXCEEDED naming the field', async () => {
    const byId = 'query ById($id: ID!) { product(id: $id) { id } }';
    // 22 × 'é' is 22 characters but 44 bytes: allowed; 33 × 'é' is 66 bytes: refused.
    const allowed = await send({ query: byId, variables: { id: 'é'.repeat(22) } });
    expect(allowed.status).toBe(200);
    counter.reset();
    const refused = await send({ query: byId, variables: { id: 'é'.repeat(33) } });
    expectRefused(refused, 400, 'OPERATION_LIMIT_EXCEEDED', { limit: 'stringBytes', max: 64, found: 66, field: 'id' });
    expectRefused(await send({ query: `{ product(id: "${'x'.repeat(65)}") { id } }` }), 400, 'OPERATION_LIMIT_EXCEEDED', { limit: 'stringBytes', field: 'product.id' });
  });

  it('refuses a text over LIMIT_MAX_QUERY_BYTES, comments included, before hashing or storing it', async () => {
    const padded = `{ products { id } } # ${'x'.repeat(3000)}`;
    expectRefused(await send({ query: padded }), 400, 'OPERATION_LIMIT_EXCEEDED', { limit: 'queryBytes', max: 2048, found: Buffer.byteLength(padded) });
    const hash = sha256(padded);
    expectRefused(await send({ query: padded, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }), 400, 'OPERATION_LIMIT_EXCEEDED', { limit: 'queryBytes' });
    const lookup = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(lookup.body.errors![0]!.extensions!.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  if (production)
    it('stores no persisted query registered without a token (production), and one registered with a token', async () => {
      const query = '{ product(id: "p3") { id } }';
      const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
      const anonymous = await post(gateway.url, JSON.stringify({ query, extensions }));
      expect(anonymous.body).toMatchObject({ data: { product: { id: 'p3' } } });
      expect((await send({ extensions })).body.errors![0]!.extensions!.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      await send({ query, extensions });
      expect((await send({ extensions })).body).toMatchObject({ data: { product: { id: 'p3' } } });
    });

  it('answers bodies that never reach GraphQL in GraphQL’s error format: not JSON, not UTF-8, an unknown content type', async () => {
    expectRefused(await post(gateway.url, '{"query": ', authorization), 400, 'BAD_REQUEST');
    expectRefused(
      await post(gateway.url, Buffer.from([...Buffer.from('{"query":"{ products { id } }","variables":{"x":"'), 0xff, 0xfe, ...Buffer.from('"}}')]), authorization),
      400,
      'BAD_REQUEST',
    );
    expectRefused(await post(gateway.url, '<query/>', { ...authorization, 'content-type': 'application/xml' }), 415, 'BAD_REQUEST');
  });
});
