import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { internalAuthorization } from '../../../test/helpers/tokens.js';
import { createInternalTokenVerifier } from '../internal-auth.js';
import { openDatabase, type Database } from '../sql.js';
import { EVENT_DELIVERY_TABLES_V1 } from './delivery-tables.js';
import { uuidv7, type BusinessEvent } from './envelope.js';
import type { EventHandler } from './handler.js';
import { registerEventRoutes } from './operations-routes.js';
import { EVENT_TABLES_V1, recordEvent } from './outbox.js';
import { EVENT_RETENTION_TABLES_V1 } from './retention-tables.js';
import { EVENT_SCHEMA_DIR, loadEventSchemas } from './schemas.js';

/*
 * The operations routes `npm run events` calls, on a real PGlite database, a real Fastify app
 * (inject) and real internal tokens signed with the data dir's gateway key.
 */

const schemaDir = mkdtempSync(join(tmpdir(), 'bizgraph-ops-schemas-'));
copyFileSync(join(EVENT_SCHEMA_DIR, 'envelope.v1.json'), join(schemaDir, 'envelope.v1.json'));
writeFileSync(
  join(schemaDir, 'thing.happened.v1.json'),
  JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', additionalProperties: false, required: ['n'], properties: { n: { type: 'integer' } } }),
);
const schemas = loadEventSchemas(schemaDir);

const CONSUMER = 'erp.thing-counter';
let failing = false;
const handler: EventHandler = {
  consumer: CONSUMER,
  subjects: ['erp.thing.happened'],
  async handle(event, tx) {
    if (failing) throw new Error('account closed');
    await tx.query('INSERT INTO effects (event_id, n) VALUES ($1, $2)', [event.id, event.payload.n]);
  },
};

const sinceStart = [{ consumer: CONSUMER, type: 'thing.happened', processed: 1, duplicates: 0, retried: 2, held: 0, deadLettered: 1 }];

let dataDir: string;
let db: Database;
let app: FastifyInstance;
const ops = (scopes: string[]) => internalAuthorization(dataDir, 'erp', { subject: 'operator', scopes });

function thing(key: string, n: number): BusinessEvent {
  return {
    id: uuidv7(),
    type: 'thing.happened',
    version: 1,
    source: 'erp',
    aggregate: { type: 'thing', key },
    occurredAt: new Date().toISOString(),
    traceparent: null,
    payload: { n },
  };
}

async function deadLetter(event: BusinessEvent, error = 'account closed'): Promise<void> {
  await db.query('INSERT INTO dead_letters (consumer, event_id, event, attempts, last_error) VALUES ($1, $2, $3, 2, $4)', [CONSUMER, event.id, JSON.stringify(event), error]);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-ops-routes-'));
  db = await openDatabase({ dataDir });
  await db.exec(`${EVENT_TABLES_V1}${EVENT_DELIVERY_TABLES_V1}${EVENT_RETENTION_TABLES_V1} CREATE TABLE effects (event_id uuid, n integer);`);
  await ops([]); // creates the data dir's gateway key, and the JWKS file the verifier reads
  app = Fastify();
  registerEventRoutes(app, {
    name: 'erp',
    db,
    producer: 'erp',
    handlers: [handler],
    schemas,
    runtime: { stats: () => ({ relay: { published: 3, failures: 1, oldestUnpublishedMs: 0, lastError: null }, consumers: sinceStart }), transport: { kind: 'http' } as never },
    verifier: createInternalTokenVerifier('erp', { kind: 'file', path: join(dataDir, 'keys', 'gateway-internal.jwks.json') }),
  });
  await app.ready();
}, 30_000);

afterAll(async () => {
  await app?.close();
  await db?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(schemaDir, { recursive: true, force: true });
});

beforeEach(async () => {
  failing = false;
  await db.exec('DELETE FROM outbox; DELETE FROM processed_events; DELETE FROM dead_letters; DELETE FROM event_holds; DELETE FROM event_deliveries; DELETE FROM effects;');
});

describe('who may call', () => {
  const routes = [
    { method: 'GET' as const, url: '/events/stats' },
    { method: 'GET' as const, url: '/events/dead' },
    { method: 'GET' as const, url: '/events/outbox' },
    { method: 'POST' as const, url: '/events/replay', payload: { all: true } },
  ];

  it.each(routes)('$method $url without a token: 401', async (route) => {
    const response = await app.inject(route);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ errors: [{ message: 'Unauthenticated: missing internal token', extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it.each(routes)("$method $url with another subgraph's token: 401", async (route) => {
    const response = await app.inject({ ...route, headers: await internalAuthorization(dataDir, 'billing', { subject: 'operator', scopes: ['ops:read', 'ops:write'] }) });
    expect(response.statusCode).toBe(401);
  });

  it.each(routes)('$method $url without an ops scope: 403', async (route) => {
    const response = await app.inject({ ...route, headers: await ops(['erp:read', 'erp:write']) });
    expect(response.statusCode).toBe(403);
    expect(response.json().errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('replay with ops:read only: 403 naming ops:write', async () => {
    const response = await app.inject({ method: 'POST', url: '/events/replay', payload: { all: true }, headers: await ops(['ops:read']) });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ errors: [{ message: 'Forbidden: this route needs the ops:write scope', extensions: { code: 'FORBIDDEN' } }] });
  });
});

describe('reads', () => {
  it('stats: outbox per type, oldest unpublished, deliveries, consumer totals and the runtime counters', async () => {
    for (const n of [1, 2, 3]) await recordEvent(db, { type: 'thing.happened', version: 1, source: 'erp', aggregate: { type: 'thing', key: `T-${n}` }, payload: { n } });
    await db.query('UPDATE outbox SET published_at = now() WHERE seq IN (SELECT seq FROM outbox ORDER BY seq LIMIT 2)');
    await db.query("UPDATE outbox SET occurred_at = now() - interval '90 seconds' WHERE published_at IS NULL");
    const [first, second] = (await db.query<{ id: string; seq: number }>('SELECT id, seq FROM outbox ORDER BY seq')).rows;
    await db.query(
      "INSERT INTO event_deliveries (subscriber, event_id, seq, aggregate_type, aggregate_key, delivered_at) VALUES ('billing', $1, $2, 'thing', 'T-1', now()), ('billing', $3, $4, 'thing', 'T-2', NULL)",
      [first!.id, first!.seq, second!.id, second!.seq],
    );
    await db.query('INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)', [CONSUMER, uuidv7()]);
    await deadLetter(thing('T-9', 9));
    const replayed = thing('T-10', 10);
    await deadLetter(replayed);
    await db.query('UPDATE dead_letters SET replayed_at = now() WHERE event_id = $1', [replayed.id]);
    await db.query("INSERT INTO event_holds (consumer, event_id, aggregate_type, aggregate_key, sequence) VALUES ($1, $2, 'thing', 'T-8', 8)", [CONSUMER, uuidv7()]);

    const response = await app.inject({ method: 'GET', url: '/events/stats', headers: await ops(['ops:read']) });
    expect(response.statusCode).toBe(200);
    const { oldestUnpublishedSeconds, ...rest } = response.json();
    expect(oldestUnpublishedSeconds).toBeGreaterThanOrEqual(89);
    expect(oldestUnpublishedSeconds).toBeLessThan(120);
    expect(rest).toEqual({
      subgraph: 'erp',
      transport: 'http',
      outbox: [{ source: 'erp', type: 'thing.happened', total: 3, published: 2, unpublished: 1 }],
      relay: { published: 3, failures: 1, lastError: null },
      deliveries: [{ subscriber: 'billing', delivered: 1, pending: 1 }],
      consumers: [{ consumer: CONSUMER, subjects: ['erp.thing.happened'], processed: 1, deadLettered: 1, replayed: 1, held: 1 }],
      // HTTP: no broker backlog (the producer's deliveries above count what is undelivered).
      backlog: null,
      sinceStart,
    });
  });

  it('dead: consumer, event id, type, aggregate, attempts, last error, when', async () => {
    const event = thing('T-7', 7);
    await deadLetter(event, 'billing account of cus_0001 is closed');
    const response = await app.inject({ method: 'GET', url: '/events/dead', headers: await ops(['ops:read']) });
    const { deadLetters } = response.json();
    expect(deadLetters).toEqual([
      {
        consumer: CONSUMER,
        eventId: event.id,
        type: 'thing.happened',
        aggregateType: 'thing',
        aggregateKey: 'T-7',
        attempts: 2,
        lastError: 'billing account of cus_0001 is closed',
        deadAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        replayedAt: null,
      },
    ]);
  });

  it('outbox: the last N without after, the rows after a seq with it; a bad seq is a 400 naming it', async () => {
    for (const n of [1, 2, 3]) await recordEvent(db, { type: 'thing.happened', version: 1, source: 'erp', aggregate: { type: 'thing', key: `T-${n}` }, payload: { n } });
    const headers = await ops(['ops:read']);
    const last = (await app.inject({ method: 'GET', url: '/events/outbox?limit=2', headers })).json().events as Array<{ seq: number; aggregateKey: string }>;
    expect(last.map((row) => row.aggregateKey)).toEqual(['T-2', 'T-3']);
    const after = (await app.inject({ method: 'GET', url: `/events/outbox?after=${last[0]!.seq}`, headers })).json().events as Array<{ aggregateKey: string; publishedAt: null }>;
    expect(after.map((row) => [row.aggregateKey, row.publishedAt])).toEqual([['T-3', null]]);
    const bad = await app.inject({ method: 'GET', url: '/events/outbox?after=x', headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('replay', () => {
  const replay = async (payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/events/replay', payload, headers: await ops(['ops:read', 'ops:write']) }).then((response) => response.json().results as unknown[]);

  it('one dead letter: applied once; again: already replayed; the effect exists once', async () => {
    const event = thing('T-5', 5);
    await deadLetter(event);
    expect(await replay({ eventId: event.id })).toEqual([{ consumer: CONSUMER, eventId: event.id, outcome: 'applied' }]);
    expect(await replay({ eventId: event.id })).toEqual([{ consumer: CONSUMER, eventId: event.id, outcome: 'already-replayed' }]);
    expect((await db.query('SELECT n FROM effects')).rows).toEqual([{ n: 5 }]);
    expect((await db.query('SELECT count(*)::int AS n FROM processed_events')).rows).toEqual([{ n: 1 }]);
  });

  it('a cause not fixed yet: failed, still dead with one more attempt', async () => {
    const event = thing('T-4', 4);
    await deadLetter(event);
    failing = true;
    expect(await replay({ eventId: event.id })).toEqual([{ consumer: CONSUMER, eventId: event.id, outcome: 'failed', error: 'account closed' }]);
    expect((await db.query('SELECT attempts, replayed_at FROM dead_letters')).rows).toEqual([{ attempts: 3, replayed_at: null }]);
    expect((await db.query('SELECT count(*)::int AS n FROM effects')).rows).toEqual([{ n: 0 }]);
  });

  it('all: every dead letter not yet replayed, and none the second time', async () => {
    const [a, b] = [thing('T-1', 1), thing('T-2', 2)];
    await deadLetter(a);
    await deadLetter(b);
    const results = (await replay({ all: true })) as Array<{ eventId: string }>;
    expect(results.sort((x, y) => (x.eventId === a.id ? -1 : y.eventId === a.id ? 1 : 0))).toEqual([
      { consumer: CONSUMER, eventId: a.id, outcome: 'applied' },
      { consumer: CONSUMER, eventId: b.id, outcome: 'applied' },
    ]);
    expect(await replay({ all: true })).toEqual([]);
    expect((await db.query('SELECT n FROM effects ORDER BY n')).rows).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('an unknown event id: no result; a malformed one: 400 naming eventId', async () => {
    expect(await replay({ eventId: uuidv7() })).toEqual([]);
    const bad = await app.inject({ method: 'POST', url: '/events/replay', payload: { eventId: 'nope' }, headers: await ops(['ops:write']) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'eventId' });
  });
});
