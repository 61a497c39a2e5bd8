import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERP_MIGRATION_LOCK_KEY } from '../../systems/erp/migrations.js';
import { seedErpIfEmpty } from '../../systems/erp/seed.js';
import { generateDataset } from '../../systems/seed/generate.js';
import type { Principal } from '../shared/context.js';
import { migrate } from '../shared/migrate.js';
import type { ProcessSlos } from '../shared/process/slo.js';
import { createProvenanceRecorder } from '../shared/provenance.js';
import { openDatabase, type Database } from '../shared/sql.js';
import { erpQueries, type ErpDb } from './db.js';
import { markShipped } from './db-milestones.js';
import { createLoaders } from './loaders.js';
import { ERP_DATABASE_MIGRATIONS } from './migrations.js';
import { ORIGIN } from './origin.js';
import { resolvers } from './resolvers/index.js';

/**
 * The ERP's half of the process view on PGlite: the delivery step from its milestones and its
 * consumer's rows (written here as consumer.ts writes them), and stuckProcesses from the
 * milestones alone. Executed through the subgraph's own schema and resolvers, statements counted.
 */
const SLOS: ProcessSlos = { invoice: 10 * 60_000, shipment: 30 * 60_000, delivery: 5 * 86_400_000, payment: 3 * 86_400_000 };
const OPS: Principal = { subject: 'ops', scopes: ['ops:read', 'erp:read'] };
const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const dataset = generateDataset();
const schema = buildSubgraphSchema({ typeDefs: parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')), resolvers: resolvers as never });
const STEP = 'step system status startedAt completedAt dueAt overdue attempts lastError traceId';

describe('the ERP process view', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-erp-process-'));
  let sql: Database;
  let db: ErpDb;
  const orders: Record<string, string> = {};

  const run = async (query: string, variables: Record<string, unknown> = {}, principal: Principal = OPS) => {
    db.resetStatementCount();
    const contextValue = { requestId: 'r', principal, db, provenance: createProvenanceRecorder(ORIGIN), loaders: createLoaders(db, createProvenanceRecorder(ORIGIN), SLOS) };
    const result = await graphql({ schema, source: query, variableValues: variables, contextValue });
    return {
      result: JSON.parse(JSON.stringify(result)) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> },
      statements: db.statementCount(),
    };
  };
  const place = async (key: string) =>
    (await db.createOrder({ idempotencyKey: key, customerId: 'cus_0007', currency: 'EUR', lines: [{ sku: dataset.products[0]!.sku, quantity: 1 }] })).number;
  const set = (number: string, assignments: string) => sql.query(`UPDATE orders SET ${assignments} WHERE order_no = $1`, [number]);

  beforeAll(async () => {
    sql = await openDatabase({ dataDir: join(dataDir, 'pgdata') });
    await migrate(sql, ERP_DATABASE_MIGRATIONS, ERP_MIGRATION_LOCK_KEY);
    await seedErpIfEmpty(sql, dataset);
    db = erpQueries(sql);
    for (const name of ['delivered', 'failing', 'dead', 'booked', 'cancelled', 'fresh', 'unpaid', 'unbooked']) orders[name] = await place(`process-${name}`);
    const twoHoursAgo = `approved_at = now() - interval '2 hours'`;
    // delivered: booked and delivered, its delivery event applied after one failure.
    await sql.transaction((tx) => markShipped(tx, orders.delivered!, '2026-12-01T08:00:00.000Z'));
    await set(orders.delivered!, `${twoHoursAgo}, invoiced_at = now(), status_cd = 'F', delivered_at = '2026-12-02T09:00:00Z'`);
    await sql.query(
      `INSERT INTO processed_events (consumer, event_id, event_type, process_key, occurred_at, traceparent, processed_at) VALUES ('erp.order-delivery', gen_random_uuid(), 'shipment.delivered', $1, '2026-12-02T09:00:01Z', $2, '2026-12-02T09:00:05Z')`,
      [orders.delivered, TRACE],
    );
    await sql.query(
      `INSERT INTO event_attempts (consumer, event_id, attempts, last_error, event_type, process_key, occurred_at, traceparent) VALUES ('erp.order-delivery', gen_random_uuid(), 1, 'deadlock detected', 'shipment.delivered', $1, '2026-12-02T09:00:01Z', $2)`,
      [orders.delivered, TRACE],
    );
    // failing: booked 6 days ago, its delivery event retried twice.
    await set(orders.failing!, `${twoHoursAgo}, invoiced_at = now(), status_cd = 'S', shipped_at = now() - interval '6 days'`);
    await sql.query(
      `INSERT INTO event_attempts (consumer, event_id, attempts, last_error, event_type, process_key, occurred_at, traceparent) VALUES ('erp.order-delivery', gen_random_uuid(), 2, 'order is DRAFT', 'shipment.delivered', $1, now(), $2)`,
      [orders.failing, TRACE],
    );
    // dead: its delivery event dead-lettered.
    await set(orders.dead!, `invoiced_at = now(), status_cd = 'S', shipped_at = now() - interval '1 day'`);
    await sql.query(
      `INSERT INTO dead_letters (consumer, event_id, event, attempts, last_error, process_key) VALUES ('erp.order-delivery', gen_random_uuid(), $2, 5, 'order unknown', $1)`,
      [orders.dead, JSON.stringify({ traceparent: TRACE })],
    );
    // booked: shipped an hour ago, nothing from the carrier yet.
    await set(orders.booked!, `invoiced_at = now(), status_cd = 'S', shipped_at = now() - interval '1 hour'`);
    await set(orders.cancelled!, `${twoHoursAgo}, status_cd = 'X', cancelled_at = now()`);
    // fresh: approved two hours ago, neither invoiced nor booked: two steps late.
    await set(orders.fresh!, twoHoursAgo);
    // unbooked: approved two hours ago and invoiced, no parcel booked: only the shipment is late.
    await set(orders.unbooked!, `${twoHoursAgo}, invoiced_at = now()`);
    // unpaid: approved three hours ago, everything done but the payment, due four days ago.
    await set(
      orders.unpaid!,
      `approved_at = now() - interval '3 hours', invoiced_at = now(), payment_due_at = now() - interval '4 days', status_cd = 'F', shipped_at = now(), delivered_at = now()`,
    );
  }, 180_000);

  afterAll(async () => {
    await sql?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const delivery = async (names: string[]) => {
    const { result, statements } = await run(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Order { number fulfillment { orderNumber customerId delivery { ${STEP} } } } } }`,
      {
        r: names.map((name) => ({ __typename: 'Order', number: orders[name] })),
      },
    );
    expect(result.errors).toBeUndefined();
    return { steps: Object.fromEntries(names.map((name, i) => [name, result.data._entities[i].fulfillment.delivery])), statements, first: result.data._entities[0] };
  };

  it('answers the delivery step of a batch of orders in two statements: the orders, then their consumer state', async () => {
    const { steps, statements, first } = await delivery(['delivered', 'failing', 'dead', 'booked', 'cancelled']);
    expect(statements).toBe(2);
    expect(first.fulfillment).toMatchObject({ orderNumber: orders.delivered, customerId: 'cus_0007' });
    expect(steps.delivered).toEqual({
      step: 'DELIVERY',
      system: 'erp',
      status: 'DONE',
      startedAt: '2026-12-01T08:00:00.000Z',
      completedAt: '2026-12-02T09:00:00.000Z',
      dueAt: '2026-12-06T08:00:00.000Z',
      overdue: false,
      attempts: 2,
      lastError: 'deadlock detected',
      traceId: '0af7651916cd43dd8448eb211c80319c',
    });
    expect(steps.failing).toMatchObject({
      status: 'FAILED',
      attempts: 2,
      lastError: 'order is DRAFT',
      overdue: true,
      completedAt: null,
      traceId: '0af7651916cd43dd8448eb211c80319c',
    });
    expect(steps.dead).toMatchObject({ status: 'DEAD_LETTERED', attempts: 5, lastError: 'order unknown', overdue: false, traceId: '0af7651916cd43dd8448eb211c80319c' });
    expect(steps.booked).toMatchObject({ status: 'PENDING', attempts: 0, lastError: null, traceId: null, overdue: false });
    expect(steps.cancelled).toMatchObject({ status: 'SKIPPED', startedAt: null, dueAt: null, overdue: false });
  });

  it('lists the orders with a step past its due time, oldest approval first, in one statement per page', async () => {
    const query = `query ($first: Int, $after: String, $olderThan: String) { stuckProcesses(first: $first, after: $after, olderThan: $olderThan) { nodes { order { number status } lateSteps startedAt dueAt } pageInfo { hasNextPage endCursor } } }`;
    const page1 = await run(query, { first: 2 });
    expect(page1.statements).toBe(1);
    expect(page1.result.data.stuckProcesses.nodes.map((node: { order: { number: string }; lateSteps: string[] }) => [node.order.number, node.lateSteps])).toEqual([
      [orders.unpaid, ['PAYMENT']],
      [orders.failing, ['DELIVERY']],
    ]);
    expect(page1.result.data.stuckProcesses.pageInfo.hasNextPage).toBe(true);
    const page2 = await run(query, { first: 2, after: page1.result.data.stuckProcesses.pageInfo.endCursor });
    expect(page2.result.data.stuckProcesses).toMatchObject({
      nodes: [
        { order: { number: orders.fresh, status: 'APPROVED' }, lateSteps: ['INVOICE', 'SHIPMENT'] },
        { order: { number: orders.unbooked, status: 'APPROVED' }, lateSteps: ['SHIPMENT'] },
      ],
      pageInfo: { hasNextPage: false },
    });
    const node = page2.result.data.stuckProcesses.nodes[0];
    expect(Date.parse(node.dueAt) - Date.parse(node.startedAt)).toBe(SLOS.invoice);
    // Only processes started at least 150 minutes ago: the unpaid order.
    const older = await run(query, { olderThan: 'PT150M' });
    expect(older.result.data.stuckProcesses.nodes.map((n: { order: { number: string } }) => n.order.number)).toEqual([orders.unpaid]);
  });

  it('refuses an olderThan that is not an ISO-8601 duration, naming the argument', async () => {
    const { result, statements } = await run(`{ stuckProcesses(olderThan: "2 hours") { nodes { startedAt } } }`);
    expect(statements).toBe(0);
    expect(result.errors?.[0]).toMatchObject({ message: 'olderThan must be an ISO-8601 duration such as PT1H or P2D', extensions: { code: 'BAD_USER_INPUT', field: 'olderThan' } });
  });
});
