import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../shared/context.js';
import { createStepStatesLoader } from '../shared/process/loader.js';
import type { ProcessSlos } from '../shared/process/slo.js';
import { consumerStates } from '../shared/process/steps.js';
import type { Database } from '../shared/sql.js';
import { openLogisticsEventsDb } from './events/db.js';
import { BOOK_SHIPMENT_CONSUMER, CANCEL_SHIPMENT_CONSUMER } from './events/handlers.js';
import { resolvers } from './resolvers/index.js';

/**
 * Logistics' step of the process view (the parcel booked) on its events database (PGlite): from
 * the booking consumer's rows, written here as consumer.ts writes them, one statement per batch.
 */
const SLOS: ProcessSlos = { invoice: 10 * 60_000, shipment: 30 * 60_000, delivery: 5 * 86_400_000, payment: 3 * 86_400_000 };
const TRACE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const schema = buildSubgraphSchema({ typeDefs: parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')), resolvers: resolvers as never });
const STEP = 'step system status startedAt completedAt dueAt overdue attempts lastError traceId';

describe('logistics’ fulfillment step', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-logistics-process-'));
  let db: Database;

  const run = async (numbers: string[], principal: Principal = { subject: 'ops', scopes: ['ops:read'] }) => {
    db.resetStatementCount();
    const stepStates = createStepStatesLoader((keys, consumers) => consumerStates(db, keys, consumers), [BOOK_SHIPMENT_CONSUMER, CANCEL_SHIPMENT_CONSUMER]);
    const result = await graphql({
      schema,
      source: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on OrderFulfillment { orderNumber shipment { ${STEP} } } } }`,
      variableValues: { r: numbers.map((orderNumber) => ({ __typename: 'OrderFulfillment', orderNumber, customerId: 'cus_0001' })) },
      contextValue: { requestId: 'r', principal, loaders: { stepStates, processSlos: SLOS } },
    });
    return { result: JSON.parse(JSON.stringify(result)) as { data?: any; errors?: Array<{ extensions?: Record<string, unknown> }> }, statements: db.statementCount() };
  };

  beforeAll(async () => {
    db = (await openLogisticsEventsDb({ databaseUrl: undefined, dataDir })).db;
    const row = `consumer, event_id, event_type, process_key, occurred_at, traceparent`;
    await db.query(
      `INSERT INTO processed_events (${row}, processed_at) VALUES ($1, gen_random_uuid(), 'order.approved', 'SO-1', '2026-12-01T10:00:00Z', $2, '2026-12-01T10:00:03Z')`,
      [BOOK_SHIPMENT_CONSUMER, TRACE],
    );
    await db.query(
      `INSERT INTO event_attempts (${row}, attempts, last_error) VALUES ($1, gen_random_uuid(), 'order.approved', 'SO-2', now() - interval '1 hour', $2, 4, 'carrier did not answer in 5000 ms')`,
      [BOOK_SHIPMENT_CONSUMER, TRACE],
    );
    await db.query(`INSERT INTO processed_events (${row}) VALUES ($1, gen_random_uuid(), 'order.cancelled', 'SO-3', now(), $2)`, [CANCEL_SHIPMENT_CONSUMER, TRACE]);
  }, 180_000);

  afterAll(async () => {
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a batch of orders in one statement: booked, failing, cancelled, not seen yet', async () => {
    const { result, statements } = await run(['SO-1', 'SO-2', 'SO-3', 'SO-4']);
    expect(result.errors).toBeUndefined();
    expect(statements).toBe(1);
    const [booked, failing, cancelled, unseen] = (result.data._entities as Array<{ shipment: Record<string, unknown> }>).map((entity) => entity.shipment);
    expect(booked).toEqual({
      step: 'SHIPMENT',
      system: 'logistics',
      status: 'DONE',
      startedAt: '2026-12-01T10:00:00.000Z',
      completedAt: '2026-12-01T10:00:03.000Z',
      dueAt: '2026-12-01T10:30:00.000Z',
      overdue: false,
      attempts: 1,
      lastError: null,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
    expect(failing).toMatchObject({ status: 'FAILED', attempts: 4, lastError: 'carrier did not answer in 5000 ms', overdue: true, completedAt: null });
    expect(cancelled).toMatchObject({ status: 'SKIPPED', overdue: false });
    expect(unseen).toMatchObject({ status: 'PENDING', startedAt: null, dueAt: null, attempts: 0, traceId: null });
  });

  it('refuses a portal caller another customer’s order, without a statement', async () => {
    const { result, statements } = await run(['SO-1'], { subject: 'portal', scopes: ['erp:read', 'billing:read'], customerId: 'cus_0002' });
    expect(statements).toBe(0);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });
});
