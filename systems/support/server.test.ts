import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type ServiceProcess } from '../../scripts/lib/processes.js';
import { http } from '../../test/helpers/graphql.js';
import { generateDataset, SLA_HOURS } from '../seed/generate.js';
import type { SeedTicket } from '../seed/types.js';

const KEY = 'test-support-key';
const auth = { 'x-api-key': KEY };
const dataset = generateDataset();
const newestFirst = (a: SeedTicket, b: SeedTicket) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1);
/** A seeded ticket as the desk serves it (never modified: updatedAt = createdAt). */
const served = (t: SeedTicket) => ({ ...t, updatedAt: t.createdAt });
const seeded = (id: string) => served(dataset.tickets.find((t) => t.id === id)!);

const dirs: string[] = [];
const processes: ServiceProcess[] = [];
async function startDesk(env: Record<string, string> = {}, dataDir?: string): Promise<ServiceProcess> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'support-desk-'));
  if (!dataDir) dirs.push(dir);
  const desk = await startService({
    name: 'support-system',
    entry: 'systems/support/main.ts',
    env: { PORT: '0', BIZGRAPH_DATA_DIR: dir, SUPPORT_API_KEY: KEY, SEED: undefined, SEED_SCALE: undefined, ...env },
  });
  processes.push(desk);
  return desk;
}
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('support desk reads', () => {
  let url: string;
  beforeAll(async () => {
    url = (await startDesk()).url;
  });

  it('answers 401 without the API key, but serves /healthz', async () => {
    expect(await http('GET', `${url}/tickets/tkt_00001`)).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect((await http('GET', `${url}/tickets/tkt_00001`, { headers: { 'x-api-key': 'wrong' } })).status).toBe(401);
    expect(await http('GET', `${url}/healthz`)).toMatchObject({ status: 200, body: { status: 'ok', tickets: 1200 } });
  });

  it('reads one ticket, 404 for an unknown id', async () => {
    expect(await http('GET', `${url}/tickets/tkt_00001`, { headers: auth })).toMatchObject({ status: 200, body: seeded('tkt_00001') });
    expect((await http('GET', `${url}/tickets/tkt_99999`, { headers: auth })).status).toBe(404);
  });

  it('batch-reads by ids, newest first, skipping unknown ids', async () => {
    const ids = ['tkt_00001', 'tkt_00002', 'tkt_00500', 'tkt_nope'];
    const { status, body } = await http('GET', `${url}/tickets?ids=${ids.join(',')}`, { headers: auth });
    const expected = dataset.tickets
      .filter((t) => ids.includes(t.id))
      .sort(newestFirst)
      .map(served);
    expect(status).toBe(200);
    expect(body).toEqual({ data: expected });
  });

  it('batch-reads by requester email, ignoring case', async () => {
    const [first, second] = dataset.customers;
    const emails = [first!.email.toUpperCase(), second!.email];
    const { body } = await http('GET', `${url}/tickets?requesterEmails=${emails.map(encodeURIComponent).join(',')}`, { headers: auth });
    const wanted = new Set([first!.email, second!.email]);
    const expected = dataset.tickets
      .filter((t) => wanted.has(t.requesterEmail))
      .sort(newestFirst)
      .map(served);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(body).toEqual({ data: expected });
  });

  it('batch-reads by order number', async () => {
    const numbers = [...new Set(dataset.tickets.flatMap((t) => (t.orderNumber ? [t.orderNumber] : [])))].slice(0, 5);
    const { body } = await http('GET', `${url}/tickets?orderNumbers=${numbers.join(',')}`, { headers: auth });
    const expected = dataset.tickets
      .filter((t) => t.orderNumber !== null && numbers.includes(t.orderNumber))
      .sort(newestFirst)
      .map(served);
    expect(body).toEqual({ data: expected });
  });

  it('rejects a batch of 101 keys', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `tkt_${String(i + 1).padStart(5, '0')}`);
    expect(await http('GET', `${url}/tickets?ids=${ids.join(',')}`, { headers: auth })).toMatchObject({
      status: 400,
      body: { error: { code: 'validation', field: 'ids' } },
    });
    expect((await http('GET', `${url}/tickets?ids=${ids.slice(1).join(',')}`, { headers: auth })).status).toBe(200);
  });

  it('walks all 1200 tickets exactly once through cursor pages, newest first', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let calls = 0;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const { status, body } = await http('GET', `${url}/tickets?limit=100${query}`, { headers: auth });
      expect(status).toBe(200);
      seen.push(...body.data.map((t: { id: string }) => t.id));
      cursor = body.nextCursor;
      calls++;
    } while (cursor);
    expect(calls).toBe(12);
    expect(seen).toEqual([...dataset.tickets].sort(newestFirst).map((t) => t.id));
  });

  it('filters list pages by status and priority', async () => {
    const { body } = await http('GET', `${url}/tickets?status=NEW&priority=URGENT&limit=100`, { headers: auth });
    const expected = dataset.tickets
      .filter((t) => t.status === 'NEW' && t.priority === 'URGENT')
      .sort(newestFirst)
      .map(served);
    expect(body).toEqual({ data: expected, nextCursor: null });
  });

  it('rejects a bad cursor, limit or filter with the field', async () => {
    for (const [query, field] of [
      ['cursor=nope', 'cursor'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['status=LOST', 'status'],
    ]) {
      expect(await http('GET', `${url}/tickets?${query}`, { headers: auth })).toMatchObject({ status: 400, body: { error: { code: 'validation', field } } });
    }
  });

  it('counts API requests by route and resets the counters', async () => {
    await http('POST', `${url}/_stats/reset`);
    await http('GET', `${url}/tickets?ids=tkt_00001`, { headers: auth });
    await http('GET', `${url}/tickets?requesterEmails=a@b.example`, { headers: auth });
    await http('GET', `${url}/tickets?limit=1`, { headers: auth });
    await http('GET', `${url}/tickets/tkt_00001`);
    await http('GET', `${url}/healthz`);
    expect((await http('GET', `${url}/_stats`)).body).toEqual({
      requests: 4,
      byRoute: { 'GET /tickets': 3, 'GET /tickets/:id': 1 },
    });
  });
});

describe('support desk writes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'support-desk-writes-'));
  dirs.push(dataDir);
  let desk: ServiceProcess;
  const body = { requesterEmail: 'Replay.Tester@example.com', subject: 'Printer on fire', priority: 'HIGH', orderNumber: 'SO-100001' };
  const create = (key: string | undefined, payload: unknown) =>
    http('POST', `${desk.url}/tickets`, { headers: { ...auth, ...(key === undefined ? {} : { 'idempotency-key': key }) }, body: payload });
  const requesterTickets = async () => (await http('GET', `${desk.url}/tickets?requesterEmails=replay.tester@example.com`, { headers: auth })).body.data;

  beforeAll(async () => {
    desk = await startDesk({}, dataDir);
  });

  it('creates a ticket once per idempotency key and replays it', async () => {
    const first = await create('key-1', body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ ...body, id: 'tkt_01201', description: null, status: 'NEW' });
    expect(Date.parse(first.body.slaDueAt) - Date.parse(first.body.createdAt)).toBe(SLA_HOURS.HIGH * 3_600_000);
    expect(first.body.updatedAt).toBe(first.body.createdAt);

    const replay = await create('key-1', body);
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await requesterTickets()).toEqual([first.body]);
  });

  it('refuses the same key with a different body, and a missing key or bad field', async () => {
    expect(await create('key-1', { ...body, subject: 'Another' })).toMatchObject({ status: 422, body: { error: { code: 'idempotency_mismatch' } } });
    expect(await create(undefined, body)).toMatchObject({ status: 400, body: { error: { field: 'idempotencyKey' } } });
    expect(await create('key-2', { ...body, requesterEmail: 'nope' })).toMatchObject({ status: 400, body: { error: { field: 'requesterEmail' } } });
    expect(await create('key-2', { ...body, subject: ' ' })).toMatchObject({ status: 400, body: { error: { field: 'subject' } } });
    expect(await create('key-2', { ...body, priority: 'ASAP' })).toMatchObject({ status: 400, body: { error: { field: 'priority' } } });
    expect(await create('key-2', { ...body, orderNumber: '42' })).toMatchObject({ status: 400, body: { error: { field: 'orderNumber' } } });
    expect(await requesterTickets()).toHaveLength(1);
  });

  it('replays the first ticket after a process restart', async () => {
    const before = await requesterTickets();
    await desk.stop();
    desk = await startDesk({}, dataDir);
    const replay = await create('key-1', body);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(before[0]);
    expect(await requesterTickets()).toEqual(before);
  });

  it('PATCH changes status and priority and recomputes the SLA from createdAt', async () => {
    const original = seeded('tkt_00002');
    const { status, body: updated } = await http('PATCH', `${desk.url}/tickets/tkt_00002`, { headers: auth, body: { status: 'SOLVED', priority: 'LOW' } });
    expect(status).toBe(200);
    expect(updated).toEqual({
      ...original,
      status: 'SOLVED',
      priority: 'LOW',
      updatedAt: expect.any(String),
      slaDueAt: new Date(Date.parse(original.createdAt) + SLA_HOURS.LOW * 3_600_000).toISOString(),
    });
    expect(updated.updatedAt > original.createdAt).toBe(true);
    expect((await http('GET', `${desk.url}/tickets/tkt_00002`, { headers: auth })).body).toEqual(updated);
    expect((await http('PATCH', `${desk.url}/tickets/tkt_99999`, { headers: auth, body: { status: 'OPEN' } })).status).toBe(404);
    expect(await http('PATCH', `${desk.url}/tickets/tkt_00002`, { headers: auth, body: { status: 'LOST' } })).toMatchObject({
      status: 400,
      body: { error: { code: 'validation', field: 'status' } },
    });
  });
});

describe('support desk latency', () => {
  it('delays every API response by at least SUPPORT_LATENCY_MS', async () => {
    const desk = await startDesk({ SUPPORT_LATENCY_MS: '300' });
    const started = performance.now();
    const { status } = await http('GET', `${desk.url}/tickets?ids=tkt_00001`, { headers: auth });
    expect(status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });
});
