import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../test/helpers/services.js';
import { openPostgresUsageStore, readPostgresUsage } from './postgres-store.js';
import { readUsage } from './store.js';
import { usageRecord } from '../../test/helpers/usage-records.js';

const record = usageRecord;

const available = await postgresAvailable();

/** USAGE_DATABASE_URL: table bizgraph_usage on a real server, one fresh database per test. */
describe.skipIf(!available)('usage PostgreSQL store', () => {
  let database: TestDatabase;
  // An idle connection's error would surface here; none is expected.
  const poolErrors: Error[] = [];
  const failOnPoolError = (error: Error) => void poolErrors.push(error);
  beforeAll(async () => {
    database = await createTestDatabase('bizgraph_usage');
  });
  afterAll(async () => {
    await database?.drop();
    expect(poolErrors).toEqual([]);
  });

  it('reads a database without the table as no records', async () => {
    const empty = await createTestDatabase('bizgraph_usage_empty');
    try {
      expect(await readPostgresUsage(empty.url)).toEqual([]);
    } finally {
      await empty.drop();
    }
  });

  it('creates the table on the first flush and adds each flush to it', async () => {
    const store = openPostgresUsageStore(database.url, failOnPoolError);
    try {
      await store.write([record({ count: 2, lastSeen: '2026-11-03T00:00:00.000Z' }), record({ clientName: 'app', operationName: null })]);
      await store.write([record({ count: 3, firstSeen: '2026-10-30T12:00:00.000Z', lastSeen: '2026-11-02T00:00:00.000Z', operationName: 'Older', fields: ['Customer.email'] })]);
    } finally {
      await store.close();
    }
    expect(await readUsage({ databaseUrl: database.url })).toEqual([
      record({ clientName: 'app', operationName: null }),
      record({ count: 5, firstSeen: '2026-10-30T12:00:00.000Z', lastSeen: '2026-11-03T00:00:00.000Z', fields: ['Customer.email', 'Customer.phone', 'Query.customer'] }),
    ]);
  });

  it('loses no increment when two replicas create the table and flush the same record at the same time', async () => {
    const fresh = await createTestDatabase('bizgraph_usage_replicas');
    const replicas = [openPostgresUsageStore(fresh.url, failOnPoolError), openPostgresUsageStore(fresh.url, failOnPoolError)];
    try {
      await Promise.all(replicas.flatMap((replica) => Array.from({ length: 20 }, () => replica.write([record({})]))));
      expect((await readPostgresUsage(fresh.url)).map((r) => r.count)).toEqual([40]);
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
      await fresh.drop();
    }
  });
});
