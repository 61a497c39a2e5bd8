import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../../test/helpers/graphql.js';
import { generateDataset } from '../seed/generate.js';
import { readCrmSystemConfig } from './config.js';
import { createCrmSystem, type CrmSystem } from './server.js';

const KEY = { 'x-api-key': 'dev-crm-key' };
const dataset = generateDataset();
const seeded = (id: string) => {
  const customer = dataset.customers.find((c) => c.id === id)!;
  return { ...customer, updatedAt: customer.createdAt, version: '"1"' };
};

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** An in-process stand-in on a free port with its own data dir. */
async function startCrm(env: Record<string, string> = {}): Promise<{ url: string; system: CrmSystem }> {
  const dir = mkdtempSync(join(tmpdir(), 'crm-system-'));
  const system = await createCrmSystem(readCrmSystemConfig({ BIZGRAPH_DATA_DIR: dir, ...env }));
  const url = await system.listen(0, '127.0.0.1');
  cleanups.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => system.close(),
  );
  return { url, system };
}

describe('CRM stand-in API', () => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await startCrm());
  });

  it('refuses calls without the right API key', async () => {
    const missing = await http('GET', `${url}/customers/cus_0001`);
    const wrong = await http('GET', `${url}/customers/cus_0001`, { headers: { 'x-api-key': 'nope' } });
    const expected = { error: { code: 'unauthorized', message: 'missing or wrong x-api-key' } };
    expect([missing.status, missing.body, wrong.status, wrong.body]).toEqual([401, expected, 401, expected]);
  });

  it('serves health and stats without a key', async () => {
    expect((await http('GET', `${url}/healthz`)).body).toEqual({ status: 'ok', system: 'crm', customers: 400 });
    expect((await http('GET', `${url}/_stats`)).status).toBe(200);
  });

  it('reads one customer with its ETag', async () => {
    const response = await http('GET', `${url}/customers/cus_0001`, { headers: KEY });
    expect(response.status).toBe(200);
    expect(response.headers.etag).toBe('"1"');
    expect(response.body).toEqual(seeded('cus_0001'));
    expect((await http('GET', `${url}/customers/cus_9999`, { headers: KEY })).status).toBe(404);
  });

  it('batch-reads by ids, found ones only, in request order', async () => {
    const response = await http('GET', `${url}/customers?ids=cus_0003,cus_9999,cus_0001`, { headers: KEY });
    expect(response.body).toEqual({ data: [seeded('cus_0003'), seeded('cus_0001')] });
  });

  it('batch-reads by emails, case-insensitively', async () => {
    const emails = [seeded('cus_0002').email.toUpperCase(), 'nobody@example.com', seeded('cus_0005').email].map(encodeURIComponent);
    const response = await http('GET', `${url}/customers?emails=${emails.join(',')}`, { headers: KEY });
    expect(response.body).toEqual({ data: [seeded('cus_0002'), seeded('cus_0005')] });
  });

  it('refuses more than 100 ids in one call', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `cus_${String(i + 1).padStart(4, '0')}`);
    const response = await http('GET', `${url}/customers?ids=${ids.join(',')}`, { headers: KEY });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: { code: 'validation', field: 'ids', message: 'at most 100 ids per call, got 101' } });
  });

  it('walks every customer exactly once through cursor pages', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `limit=37&cursor=${cursor}` : 'limit=37';
      const response = await http<{ data: { id: string }[]; nextCursor: string | null }>('GET', `${url}/customers?${query}`, { headers: KEY });
      expect(response.status).toBe(200);
      seen.push(...response.body.data.map((c) => c.id));
      cursor = response.body.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(11);
    expect(seen).toEqual(dataset.customers.map((c) => c.id).sort());
  });

  it('filters the list by segment and country', async () => {
    const response = await http<{ data: { id: string }[]; nextCursor: null }>('GET', `${url}/customers?limit=100&segment=ENTERPRISE&country=DE`, { headers: KEY });
    const expected = dataset.customers.filter((c) => c.segment === 'ENTERPRISE' && c.country === 'DE').map((c) => c.id);
    expect(response.body.data.map((c) => c.id)).toEqual(expected);
    expect(response.body.nextCursor).toBeNull();
  });

  it('rejects a malformed cursor or limit', async () => {
    const cursor = await http('GET', `${url}/customers?cursor=garbage`, { headers: KEY });
    const limit = await http('GET', `${url}/customers?limit=101`, { headers: KEY });
    expect([cursor.status, cursor.body]).toEqual([400, { error: { code: 'validation', field: 'cursor', message: 'cursor is not one this API returned' } }]);
    expect([limit.status, limit.body]).toEqual([400, { error: { code: 'validation', field: 'limit', message: 'limit must be an integer between 1 and 100' } }]);
  });

  it('counts every API call by route, refused ones included, and resets', async () => {
    await http('POST', `${url}/_stats/reset`);
    await http('GET', `${url}/customers?ids=cus_0001`, { headers: KEY });
    await http('GET', `${url}/customers/cus_0001`);
    await http('PATCH', `${url}/customers/cus_0001`, { headers: KEY, body: {} });
    expect((await http('GET', `${url}/_stats`)).body).toEqual({
      requests: 3,
      byRoute: { 'GET /customers': 1, 'GET /customers/:id': 1, 'PATCH /customers/:id': 1 },
    });
  });
});

describe('CRM stand-in updates', () => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await startCrm());
  });
  const patch = (id: string, body: unknown, ifMatch?: string) =>
    http('PATCH', `${url}/customers/${id}`, { headers: { ...KEY, ...(ifMatch ? { 'if-match': ifMatch } : {}) }, body });

  it('requires If-Match, refuses a stale one and bumps the version on success', async () => {
    const missing = await patch('cus_0010', { name: 'Ada Lovelace' });
    expect([missing.status, missing.body]).toEqual([428, { error: { code: 'precondition_required', message: 'send If-Match with the ETag you read' } }]);

    const ok = await patch('cus_0010', { name: 'Ada Lovelace', phone: null }, '"1"');
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    expect(ok.body).toEqual({ ...seeded('cus_0010'), name: 'Ada Lovelace', phone: null, version: '"2"', updatedAt: ok.body.updatedAt });

    const stale = await patch('cus_0010', { name: 'Grace Hopper' }, '"1"');
    expect([stale.status, stale.headers.etag, stale.body]).toEqual([
      412,
      '"2"',
      { error: { code: 'precondition_failed', message: 'the customer changed since it was read', currentVersion: '"2"' } },
    ]);
    expect((await http('GET', `${url}/customers/cus_0010`, { headers: KEY })).body.name).toBe('Ada Lovelace');
  });

  it('rejects an invalid field, a taken email and an unknown customer', async () => {
    const bad = await patch('cus_0011', { country: 'Germany' }, '"1"');
    expect([bad.status, bad.body]).toEqual([400, { error: { code: 'validation', field: 'country', message: 'country must be an ISO 3166-1 alpha-2 code' } }]);
    const taken = await patch('cus_0011', { email: seeded('cus_0012').email.toUpperCase() }, '"1"');
    expect([taken.status, taken.body]).toEqual([409, { error: { code: 'duplicate', field: 'email', message: 'another customer has this email' } }]);
    const unknown = await patch('cus_9999', { name: 'Nobody' }, '"1"');
    expect([unknown.status, unknown.body]).toEqual([404, { error: { code: 'not_found', message: 'no customer cus_9999' } }]);
  });
});

describe('CRM stand-in behaviour under load and latency', () => {
  it('delays every API response by CRM_LATENCY_MS', async () => {
    const { url } = await startCrm({ CRM_LATENCY_MS: '150' });
    const started = performance.now();
    const response = await http('GET', `${url}/customers/cus_0001`, { headers: KEY });
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('answers 429 with an integer Retry-After once the bucket is empty', async () => {
    const { url } = await startCrm({ CRM_RATE_LIMIT_PER_SECOND: '2' });
    const responses = await Promise.all(Array.from({ length: 8 }, () => http('GET', `${url}/customers/cus_0001`, { headers: KEY })));
    const limited = responses.filter((r) => r.status === 429);
    expect(responses.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(2);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    for (const response of limited) {
      expect(response.body).toEqual({ error: { code: 'rate_limited', message: 'too many requests' } });
      expect(String(response.headers['retry-after'])).toMatch(/^[1-9]\d*$/);
    }
  });
});

describe('CRM stand-in webhooks', () => {
  it('posts a signed customer.updated event, retrying a failed delivery', async () => {
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    let delivered!: () => void;
    const done = new Promise<void>((resolve) => (delivered = resolve));
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (part) => (body += part));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        // The first attempt fails, so the stand-in must retry.
        response.statusCode = received.length === 1 ? 503 : 204;
        response.end();
        if (received.length === 2) delivered();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
    const address = receiver.address() as { port: number };
    const { url } = await startCrm({ CRM_WEBHOOK_URL: `http://127.0.0.1:${address.port}/hooks/crm`, CRM_WEBHOOK_SECRET: 'shh' });

    const segment = seeded('cus_0020').segment === 'SMB' ? 'ENTERPRISE' : 'SMB';
    const response = await http('PATCH', `${url}/customers/cus_0020`, { headers: { ...KEY, 'if-match': '"1"' }, body: { name: 'Hooked Name', segment } });
    expect(response.status).toBe(200);
    await done;

    expect(received).toHaveLength(2);
    const { headers, body } = received[1]!;
    expect(received[0]!.body).toBe(body);
    expect(headers['x-crm-signature']).toBe(`sha256=${createHmac('sha256', 'shh').update(body).digest('hex')}`);
    expect(JSON.parse(body)).toEqual({
      event: 'customer.updated',
      customerId: 'cus_0020',
      version: '"2"',
      changedFields: ['name', 'segment'],
      occurredAt: response.body.updatedAt,
    });
  });
});
