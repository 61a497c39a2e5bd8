import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import type { Principal } from '../shared/context.js';
import type { ProcessSlos } from '../shared/process/slo.js';
import { createProvenanceRecorder } from '../shared/provenance.js';
import { readBillingSubgraphConfig } from './config.js';
import { openBillingDb, type BillingDb } from './db.js';
import { createLoaders } from './loaders.js';
import { ORIGIN } from './origin.js';
import { resolvers } from './resolvers/index.js';
import type { Database } from '../shared/sql.js';

/**
 * Billing's steps of the process view on PGlite: invoice (its consumer's rows, written here as
 * consumer.ts writes them, or the order's invoice) and payment (the invoice settled), through the
 * subgraph's own schema and resolvers, statements counted.
 */
const SLOS: ProcessSlos = { invoice: 10 * 60_000, shipment: 30 * 60_000, delivery: 5 * 86_400_000, payment: 3 * 86_400_000 };
const OPS: Principal = { subject: 'ops', scopes: ['ops:read'] };
const TRACE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const dataset = generateDataset();
const schema = buildSubgraphSchema({ typeDefs: parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')), resolvers: resolvers as never });
const STEP = 'step system status startedAt completedAt dueAt overdue attempts lastError traceId';
const customerOf = new Map(dataset.orders.map((order) => [order.number, order.customerId]));
const uninvoiced = dataset.orders.filter((order) => !dataset.invoices.some((invoice) => invoice.orderNumber === order.number));
const paidInvoice = dataset.invoices.find((invoice) => invoice.statusCode === 'P' && dataset.payments.some((payment) => payment.invoiceId === invoice.id))!;
const openInvoice = dataset.invoices.find((invoice) => invoice.statusCode === 'O' && customerOf.has(invoice.orderNumber))!;
const midnight = (day: string) => `${day}T00:00:00.000Z`;
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe('billing’s fulfillment steps', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-billing-process-'));
  let sql: Database;
  let db: BillingDb;
  const [failing, dead, cancelled, approved] = uninvoiced;

  const run = async (numbers: string[], principal: Principal = OPS) => {
    sql.resetStatementCount();
    const contextValue = { requestId: 'r', principal, db, provenance: createProvenanceRecorder(ORIGIN), loaders: createLoaders(db, createProvenanceRecorder(ORIGIN), SLOS) };
    const result = await graphql({
      schema,
      source: `query ($r: [_Any!]!) { _entities(representations: $r) { ... on OrderFulfillment { orderNumber invoice { ${STEP} } payment { ${STEP} } } } }`,
      variableValues: { r: numbers.map((orderNumber) => ({ __typename: 'OrderFulfillment', orderNumber, customerId: customerOf.get(orderNumber) })) },
      contextValue,
    });
    return {
      result: JSON.parse(JSON.stringify(result)) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> },
      statements: sql.statementCount(),
    };
  };

  beforeAll(async () => {
    const opened = await openBillingDb(readBillingSubgraphConfig({ BIZGRAPH_DATA_DIR: dataDir, NODE_ENV: 'test', SEED_SCALE: '1' }));
    db = opened.db;
    sql = opened.sql as Database;
    const insert = (table: string, columns: string, values: string, params: unknown[]) => sql.query(`INSERT INTO ${table} (${columns}) VALUES (${values})`, params);
    const attempt = 'consumer, event_id, attempts, last_error, event_type, process_key, occurred_at, traceparent';
    await insert(
      'event_attempts',
      attempt,
      `'billing.invoice-on-approval', gen_random_uuid(), 3, 'account of cus_x is closed', 'order.approved', $1, now() - interval '1 hour', $2`,
      [failing!.number, TRACE],
    );
    await insert('dead_letters', 'consumer, event_id, event, attempts, last_error, process_key', `'billing.invoice-on-approval', gen_random_uuid(), $2, 5, 'no account', $1`, [
      dead!.number,
      JSON.stringify({ traceparent: TRACE }),
    ]);
    await insert(
      'processed_events',
      'consumer, event_id, event_type, process_key, occurred_at, traceparent',
      `'billing.void-on-cancel', gen_random_uuid(), 'order.cancelled', $1, now(), $2`,
      [cancelled!.number, TRACE],
    );
    await insert(
      'processed_events',
      'consumer, event_id, event_type, process_key, occurred_at, traceparent, processed_at',
      `'billing.invoice-on-approval', gen_random_uuid(), 'order.approved', $1, '2026-12-01T10:00:00Z', $2, '2026-12-01T10:00:02Z'`,
      [approved!.number, TRACE],
    );
  }, 180_000);

  afterAll(async () => {
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a batch of orders in three statements: consumer state, invoices, payments of the paid ones', async () => {
    const numbers = [openInvoice.orderNumber, paidInvoice.orderNumber, failing!.number, dead!.number, cancelled!.number, approved!.number];
    const { result, statements } = await run(numbers);
    expect(result.errors).toBeUndefined();
    expect(statements).toBe(3);
    const [open, paid, fails, deadOne, cancel, applied] = result.data._entities as Array<{ invoice: Record<string, unknown>; payment: Record<string, unknown> }>;
    expect(open!.invoice).toMatchObject({ step: 'INVOICE', system: 'billing', status: 'DONE', completedAt: midnight(openInvoice.issuedOn), attempts: 0, traceId: null });
    expect(open!.payment).toEqual({
      step: 'PAYMENT',
      system: 'billing',
      status: 'PENDING',
      startedAt: midnight(openInvoice.issuedOn),
      completedAt: null,
      dueAt: plus(midnight(openInvoice.dueOn), SLOS.payment),
      overdue: Date.parse(midnight(openInvoice.dueOn)) + SLOS.payment < Date.now(),
      attempts: 0,
      lastError: null,
      traceId: null,
    });
    const lastPayment = dataset.payments
      .filter((payment) => payment.invoiceId === paidInvoice.id)
      .map((payment) => new Date(payment.paidAt).toISOString())
      .sort()
      .at(-1);
    expect(paid!.payment).toMatchObject({ status: 'DONE', completedAt: lastPayment, overdue: false });
    expect(fails!.invoice).toMatchObject({ status: 'FAILED', attempts: 3, lastError: 'account of cus_x is closed', overdue: true, traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
    expect(fails!.payment).toMatchObject({ status: 'PENDING', startedAt: null, dueAt: null });
    expect(deadOne!.invoice).toMatchObject({ status: 'DEAD_LETTERED', attempts: 5, lastError: 'no account', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
    expect([cancel!.invoice.status, cancel!.payment.status]).toEqual(['SKIPPED', 'SKIPPED']);
    expect(applied!.invoice).toEqual({
      step: 'INVOICE',
      system: 'billing',
      status: 'DONE',
      startedAt: '2026-12-01T10:00:00.000Z',
      completedAt: '2026-12-01T10:00:02.000Z',
      dueAt: '2026-12-01T10:10:00.000Z',
      overdue: false,
      attempts: 1,
      lastError: null,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
  });

  it('refuses a portal caller another customer’s order, without a statement', async () => {
    const { result, statements } = await run([openInvoice.orderNumber], { subject: 'portal', scopes: ['erp:read', 'billing:read'], customerId: 'cus_nobody' });
    expect(statements).toBe(0);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });
});
