import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../systems/seed/generate.js';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/services.js';
import { openDatabase } from '../shared/sql.js';
import { openErpDb, type OpenedErpDb } from './db.js';
import { ERP_DATABASE_MIGRATIONS } from './migrations.js';
import { erpBackends, START_HOOK_TIMEOUT_MS } from '../../test/helpers/subgraphs/erp.js';

const dataset = generateDataset();
const backends = await erpBackends();

describe.each(backends)('ERP database on $name', (backend) => {
  describe.skipIf(!backend.available)('migrations and seed', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-erp-db-'));
    let database: TestDatabase | undefined;
    let first: Omit<OpenedErpDb, 'db'>;
    let second: Omit<OpenedErpDb, 'db'>;
    let counts: Record<string, number>;
    let next: { order_no: number; order_id: number };
    let versions: number[];

    const open = async () => {
      const { db, ...result } = await openErpDb({ databaseUrl: database?.url, dataDir, statementTimeoutMs: 5000, dataset });
      await db.close();
      return result;
    };

    beforeAll(async () => {
      if (backend.name === 'postgres') database = await createTestDatabase('erp');
      first = await open();
      second = await open();
      // A raw connection (after the subgraph's closed: PGlite allows one) to look at the rows.
      const sql = await openDatabase({ url: database?.url, dataDir: join(dataDir, 'erp', 'pgdata') });
      try {
        const { rows } = await sql.query<Record<string, number>>(
          `SELECT (SELECT count(*) FROM products) AS products, (SELECT count(*) FROM orders) AS orders,
                  (SELECT count(*) FROM order_lines) AS order_lines`,
        );
        counts = rows[0]!;
        next = (await sql.query<typeof next>(`SELECT nextval('order_no_seq') AS order_no, nextval('orders_order_id_seq') AS order_id`)).rows[0]!;
        versions = (await sql.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((row) => row.version);
      } finally {
        await sql.close();
      }
    }, START_HOOK_TIMEOUT_MS);

    afterAll(async () => {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('applies every migration version to a fresh database', () => {
      const all = ERP_DATABASE_MIGRATIONS.map((migration) => migration.version);
      expect(all.length).toBeGreaterThanOrEqual(2);
      expect(first.migrated).toEqual(all);
      expect(versions).toEqual(all);
    });

    it('applies none on a second run', () => {
      expect(second.migrated).toEqual([]);
    });

    it('seeds the data set once, with the same row counts', () => {
      const lines = dataset.orders.reduce((sum, order) => sum + order.lines.length, 0);
      expect(first.seeded).toEqual({ products: dataset.products.length, orders: dataset.orders.length, orderLines: lines });
      expect(second.seeded).toBeNull();
      expect(counts).toEqual({ products: dataset.products.length, orders: dataset.orders.length, order_lines: lines });
    });

    it('continues order numbers and ids after the seeded maximum', () => {
      expect(next).toEqual({ order_no: 100000 + dataset.orders.length + 1, order_id: dataset.orders.length + 1 });
    });
  });
});
