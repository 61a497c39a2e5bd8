import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { HeaderMap, type GraphQLRequestContextDidResolveOperation, type GraphQLRequestListener } from '@apollo/server';
import { buildSchema, getOperationAST, parse } from 'graphql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readUsageFile } from '../../../../common/usage/file-store.js';
import { readUsage } from '../../../../common/usage/store.js';
import { createTestDatabase, postgresAvailable } from '../../../../test/helpers/services.js';
import type { GatewayContext } from '../../context.js';
import { UsageAggregator } from './aggregator.js';
import { createUsageLog, type UsageLog } from './index.js';

const typeDefs = /* GraphQL */ `
  type Query {
    customer(id: ID!): Customer
  }
  type Customer {
    id: ID!
    name: String
    phone: String
  }
`;
const schema = buildSchema(typeDefs);
const PHONE = 'query Phone($id: ID!) { customer(id: $id) { id phone } }';
const NAME = 'query Name { customer(id: "1") { ...Named } } fragment Named on Customer { name }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const postgres = await postgresAvailable();

describe('UsageAggregator', () => {
  const event = { operationHash: 'aaa', operationName: 'Phone', clientName: 'web', fields: ['Customer.phone'] };

  it('counts runs per operation and client, from first to last seen', () => {
    const aggregator = new UsageAggregator();
    aggregator.record(event, Date.parse('2026-11-01T00:00:00Z'));
    aggregator.record(event, Date.parse('2026-11-01T00:00:05Z'));
    aggregator.record({ ...event, clientName: 'app' }, Date.parse('2026-11-01T00:00:07Z'));
    expect(aggregator.take()).toEqual([
      { ...event, count: 2, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-01T00:00:05.000Z' },
      { ...event, clientName: 'app', count: 1, firstSeen: '2026-11-01T00:00:07.000Z', lastSeen: '2026-11-01T00:00:07.000Z' },
    ]);
    expect(aggregator.take()).toEqual([]);
  });

  it('stops adding new (operation, client) pairs past its bound, counting the runs it drops', () => {
    const aggregator = new UsageAggregator(2);
    for (const clientName of ['a', 'b', 'c', 'd', 'a']) aggregator.record({ ...event, clientName }, 0);
    expect(aggregator.take().map((record) => [record.clientName, record.count])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(aggregator.takeDropped()).toBe(2);
    expect(aggregator.takeDropped()).toBe(0);
  });

  it('hands restored records back with the next take, merged with new runs', () => {
    const aggregator = new UsageAggregator();
    aggregator.record(event, Date.parse('2026-11-01T00:00:00Z'));
    aggregator.restore(aggregator.take());
    aggregator.record({ ...event, fields: ['Customer.email'] }, Date.parse('2026-11-01T00:01:00Z'));
    expect(aggregator.unwrittenRuns).toBe(2);
    expect(aggregator.take()).toEqual([
      { ...event, fields: ['Customer.email', 'Customer.phone'], count: 2, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-01T00:01:00.000Z' },
    ]);
  });
});

/**
 * The plugin's hook, called as Apollo Server's pipeline calls it once an operation is resolved. (An
 * in-process ApolloServer would load graphql's CommonJS build next to vitest's ESM one; the
 * cross-process test/usage-log.test.ts runs the real pipeline.)
 */
describe('createUsageLog', () => {
  let dir: string;
  let file: string;
  let usage: UsageLog;
  const runOn = (log: UsageLog) => async (query: string, clientName?: string) => {
    const document = parse(query);
    const requestContext = {
      queryHash: sha256(query),
      document,
      schema,
      operation: getOperationAST(document) ?? undefined,
      request: {
        query,
        variables: { id: '1' },
        http: { method: 'POST', headers: new HeaderMap(clientName === undefined ? [] : [['apollographql-client-name', clientName]]), search: '', body: {} },
      },
      contextValue: { requestId: 'test' },
    } as unknown as GraphQLRequestContextDidResolveOperation<GatewayContext>;
    const listener = (await log.plugins[0]!.requestDidStart!(requestContext as never)) as GraphQLRequestListener<GatewayContext>;
    await listener.didResolveOperation!(requestContext);
  };
  const run = (query: string, clientName?: string) => runOn(usage)(query, clientName);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bizgraph-usage-plugin-'));
    file = join(dir, 'usage.json');
    // An hour: only the explicit flush() and close() write in these tests.
    usage = createUsageLog({ store: { kind: 'file', path: file }, flushIntervalMs: 3_600_000 });
  });
  afterEach(async () => {
    await usage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const counts = async () => (await readUsageFile(file)).map(({ operationName, clientName, fields, count }) => ({ operationName, clientName, fields, count }));

  it('records operation, client and the fields the document selects (through fragments)', async () => {
    await run(PHONE, 'web');
    await run(PHONE, 'web');
    await run(NAME);
    await usage.flush();
    expect(await counts()).toEqual(
      expect.arrayContaining([
        { operationName: 'Phone', clientName: 'web', fields: ['Customer.id', 'Customer.phone', 'Query.customer'], count: 2 },
        { operationName: 'Name', clientName: 'unknown', fields: ['Customer.name', 'Query.customer'], count: 1 },
      ]),
    );
    expect((await counts()).length).toBe(2);
  });

  it('keeps the counts of a failed flush for the next one', async () => {
    writeFileSync(file, 'not json');
    await run(PHONE, 'web');
    await usage.flush();
    await run(PHONE, 'web');
    rmSync(file);
    await usage.flush();
    expect(await counts()).toEqual([{ operationName: 'Phone', clientName: 'web', fields: ['Customer.id', 'Customer.phone', 'Query.customer'], count: 2 }]);
  });

  it('writes what is left on close', async () => {
    await run(PHONE, 'web');
    await usage.close();
    expect((await counts()).map((record) => record.count)).toEqual([1]);
  });

  it.skipIf(!postgres)('adds its counts to table bizgraph_usage with USAGE_DATABASE_URL', async () => {
    const database = await createTestDatabase('bizgraph_usage_plugin');
    const replicas = [1, 2].map(() => createUsageLog({ store: { kind: 'postgres', url: database.url }, flushIntervalMs: 3_600_000 }));
    try {
      await runOn(replicas[0]!)(PHONE, 'web');
      await runOn(replicas[1]!)(PHONE, 'web');
      await runOn(replicas[1]!)(NAME, 'web');
      await replicas[0]!.flush();
      await runOn(replicas[0]!)(PHONE, 'web');
      await Promise.all(replicas.map((replica) => replica.close()));
      const stored = await readUsage({ databaseUrl: database.url });
      expect(stored.map(({ operationHash, clientName, count }) => ({ operationHash, clientName, count }))).toEqual(
        [
          { operationHash: sha256(PHONE), clientName: 'web', count: 3 },
          { operationHash: sha256(NAME), clientName: 'web', count: 1 },
        ].sort((a, b) => (a.operationHash < b.operationHash ? -1 : 1)),
      );
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
      await database.drop();
    }
  });
});
