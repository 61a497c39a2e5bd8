import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readUsageFile } from '../common/usage/file-store.js';
import type { UsageRecord } from '../common/usage/types.js';
import { ROOT } from '../scripts/lib/processes.js';
import { http } from './helpers/graphql.js';
import { startStack, type Stack } from './helpers/stack.js';
import { bearer } from './helpers/tokens.js';
import { npmScript } from './helpers/npm-script.js';

const run = promisify(execFile);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const CONTACT = 'query CustomerContact($id: ID!) { customer(id: $id) { id name phone } }';
const ORDERS = 'query OrderTotals { orders(first: 2) { nodes { number total { amount currency } } } }';
const PRODUCTS = 'query ProductSkus { products(first: 1) { nodes { sku } } }';
const CONTACT_FIELDS = ['Customer.id', 'Customer.name', 'Customer.phone', 'Query.customer'];
const ORDER_FIELDS = ['Money.amount', 'Money.currency', 'Order.number', 'Order.total', 'OrderConnection.nodes', 'Query.orders'];
const PRODUCT_FIELDS = ['Product.sku', 'ProductConnection.nodes', 'Query.products'];

/** The gateway's usage log, end to end: real requests in, the flushed file and `npm run usage` out. */
describe('usage log', () => {
  let stack: Stack;
  let dir: string;
  let file: string;
  const client = (name: string) => ({ 'apollographql-client-name': name });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bizgraph-usage-'));
    file = join(dir, 'usage.json');
    stack = await startStack({ token: { preset: 'admin' }, env: { USAGE_LOG: file, USAGE_FLUSH_INTERVAL_MS: '100' } });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts each operation per client with the fields its document selects, partly denied ones included', async () => {
    const admin = await bearer(stack.dataDir, { preset: 'admin' });
    const sales = await bearer(stack.dataDir, { preset: 'sales' });
    for (let i = 0; i < 2; i++) {
      const answer = await stack.query(CONTACT, { id: 'cus_0001' }, client('support-desk'));
      expect(answer.body.errors).toBeUndefined();
    }
    // `sales` lacks pii:read: phone is removed and answered null, yet the client asked for it.
    const denied = await stack.query(CONTACT, { id: 'cus_0001' }, { ...sales, ...client('sales-app') });
    expect(denied.body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
    const batch = await http('POST', stack.gatewayUrl, { headers: { ...admin, ...client('reporting') }, body: [{ query: ORDERS }, { query: PRODUCTS }] });
    expect(batch.status).toBe(200);
    expect((batch.body as unknown[]).length).toBe(2);
    expect((await stack.query(ORDERS, undefined, client('reporting'))).body.errors).toBeUndefined();
    // Without a client name, by APQ: the unknown hash is refused before parsing (not counted), then
    // registered with its text and sent by hash alone again: two runs of one operation.
    const apq = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(PRODUCTS) } } };
    const unknownHash = await http('POST', stack.gatewayUrl, { headers: admin, body: apq });
    expect(unknownHash.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await http('POST', stack.gatewayUrl, { headers: admin, body: { ...apq, query: PRODUCTS } })).body.errors).toBeUndefined();
    expect((await http('POST', stack.gatewayUrl, { headers: admin, body: apq })).body.errors).toBeUndefined();
    // Refused at validation: never counted.
    expect((await stack.query('query Broken { customer(id: "x") { nope } }', undefined, client('reporting'))).status).toBe(400);

    const records = await waitForRuns(file, 8);
    expect(records.map(({ operationHash, operationName, clientName, fields, count }) => ({ operationHash, operationName, clientName, fields, count }))).toEqual(
      sortByKey([
        { operationHash: sha256(CONTACT), operationName: 'CustomerContact', clientName: 'sales-app', fields: CONTACT_FIELDS, count: 1 },
        { operationHash: sha256(CONTACT), operationName: 'CustomerContact', clientName: 'support-desk', fields: CONTACT_FIELDS, count: 2 },
        { operationHash: sha256(ORDERS), operationName: 'OrderTotals', clientName: 'reporting', fields: ORDER_FIELDS, count: 2 },
        { operationHash: sha256(PRODUCTS), operationName: 'ProductSkus', clientName: 'reporting', fields: PRODUCT_FIELDS, count: 1 },
        { operationHash: sha256(PRODUCTS), operationName: 'ProductSkus', clientName: 'unknown', fields: PRODUCT_FIELDS, count: 2 },
      ]),
    );
    for (const record of records) {
      expect(record.firstSeen <= record.lastSeen).toBe(true);
      expect(new Date(record.lastSeen).toISOString()).toBe(record.lastSeen);
    }
  });

  it('answers "who still reads Customer.phone?" with exactly the clients and operation that select it', async () => {
    const usage = npmScript('usage', ['Customer.phone', '--usage', file, '--format', 'json']);
    const { stdout } = await run(usage.command, usage.args, { cwd: ROOT });
    const report = JSON.parse(stdout) as { coordinate: string; clients: unknown[]; operations: Array<Record<string, unknown>> };
    expect(report.coordinate).toBe('Customer.phone');
    expect(report.clients).toEqual([
      expect.objectContaining({ clientName: 'support-desk', count: 2, operations: 1 }),
      expect.objectContaining({ clientName: 'sales-app', count: 1, operations: 1 }),
    ]);
    expect(report.operations.map(({ clientName, operationName, operationHash, count }) => ({ clientName, operationName, operationHash, count }))).toEqual([
      { clientName: 'support-desk', operationName: 'CustomerContact', operationHash: sha256(CONTACT), count: 2 },
      { clientName: 'sales-app', operationName: 'CustomerContact', operationHash: sha256(CONTACT), count: 1 },
    ]);
  });
});

describe('npm run usage', () => {
  const usage = async (args: string[]) => {
    try {
      const usage = npmScript('usage', args);
      const { stdout, stderr } = await run(usage.command, usage.args, { cwd: ROOT });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  it('exits 2 naming the problem for an unknown flag, a malformed coordinate or a bad --since', async () => {
    const [flag, coordinate, since] = await Promise.all([usage(['--verbose']), usage(['Customer.phone.number']), usage(['Customer', '--since', 'lately'])]);
    expect(flag).toMatchObject({ code: 2, stdout: '' });
    expect(flag.stderr).toContain('unknown flag "--verbose"');
    expect(coordinate).toMatchObject({ code: 2, stdout: '' });
    expect(coordinate.stderr).toContain('"Customer.phone.number" is not a schema coordinate');
    expect(since.stderr).toContain('--since: expected a duration like 90m, 12h, 30d, 2w or an ISO date, got "lately"');
    expect(since.code).toBe(2);
  });
});

/** Reads the file until it holds `runs` runs (flushes happen every 100 ms); never more than that. */
async function waitForRuns(file: string, runs: number): Promise<UsageRecord[]> {
  for (let attempt = 0; ; attempt++) {
    const records = await readUsageFile(file);
    const total = records.reduce((sum, record) => sum + record.count, 0);
    if (total >= runs || attempt >= 200) {
      expect(total).toBe(runs);
      return records;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function sortByKey<T extends { operationHash: string; clientName: string }>(records: T[]): T[] {
  return records.sort((a, b) => (a.operationHash === b.operationHash ? (a.clientName < b.clientName ? -1 : 1) : a.operationHash < b.operationHash ? -1 : 1));
}
