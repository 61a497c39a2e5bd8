import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BILLING_MIGRATION_LOCK_KEY } from '../../systems/billing/migrations.js';
import { seedBillingIfEmpty } from '../../systems/billing/seed.js';
import { generateDataset } from '../../systems/seed/generate.js';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/services.js';
import { migrate } from '../shared/migrate.js';
import { BILLING_DATABASE_MIGRATIONS } from './migrations.js';
import { openDatabase, type Database } from '../shared/sql.js';
import { billingBackends } from '../../test/helpers/subgraphs/billing.js';

const dataset = generateDataset();
const backends = await billingBackends();

describe.each(backends)('billing database on $name', (backend) => {
  describe.skipIf(!backend.available)('migrations and seed', () => {
    let db: Database;
    let server: TestDatabase | undefined;
    const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-billing-db-'));
    const count = async (sql: string, params: unknown[] = []) => (await db.query<{ n: number }>(sql, params)).rows[0]!.n;

    beforeAll(async () => {
      if (backend.name === 'postgres') server = await createTestDatabase('billing');
      db = await openDatabase({ url: server?.url, dataDir });
    });
    afterAll(async () => {
      await db?.close();
      await server?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('applies every version once; a second run applies none', async () => {
      expect(await migrate(db, BILLING_DATABASE_MIGRATIONS, BILLING_MIGRATION_LOCK_KEY)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await migrate(db, BILLING_DATABASE_MIGRATIONS, BILLING_MIGRATION_LOCK_KEY)).toEqual([]);
      const { rows } = await db.query('SELECT version, name FROM schema_migrations ORDER BY version');
      expect(rows).toEqual(BILLING_DATABASE_MIGRATIONS.map(({ version, name }) => ({ version, name })));
    });

    it('seeds the data set in one transaction of six statements, then never again', async () => {
      db.resetStatementCount();
      const counts = await seedBillingIfEmpty(db, () => dataset);
      // lock, emptiness check, three bulk inserts, sequence reset: never one statement per row.
      expect(db.statementCount()).toBe(6);
      expect(counts).toEqual({ accounts: dataset.accounts.length, invoices: dataset.invoices.length, payments: dataset.payments.length });
      expect(await seedBillingIfEmpty(db, () => dataset)).toBeNull();
      expect(await count('SELECT count(*)::int AS n FROM cust_acct')).toBe(dataset.accounts.length);
      // Accounts seeded before status and terms existed are open, due 30 days after issue like every seeded invoice.
      expect(await count("SELECT count(*)::int AS n FROM cust_acct WHERE status_cd = 'A' AND terms_days = 30")).toBe(dataset.accounts.length);
      expect(await count('SELECT count(*)::int AS n FROM inv_header')).toBe(dataset.invoices.length);
      expect(await count('SELECT count(*)::int AS n FROM pmt')).toBe(dataset.payments.length);
      expect(await count('SELECT sum(amount_cents)::bigint AS n FROM pmt')).toBe(dataset.payments.reduce((sum, p) => sum + p.amountCents, 0));
    });

    it('keeps the orphan references as they are', async () => {
      const orphanOrders = await db.query('SELECT order_ref FROM inv_header WHERE order_ref = ANY($1::text[]) ORDER BY order_ref', [dataset.orphans.invoiceOrderNumbers]);
      expect(orphanOrders.rows).toEqual(dataset.orphans.invoiceOrderNumbers.map((order_ref) => ({ order_ref })));
      const orphanRefs = await db.query(
        `SELECT h.crm_ref, a.crm_ref AS account FROM inv_header h LEFT JOIN cust_acct a ON a.crm_ref = h.crm_ref
         WHERE h.crm_ref = ANY($1::text[]) ORDER BY h.crm_ref`,
        [dataset.orphans.invoiceCrmRefs],
      );
      expect(orphanRefs.rows).toEqual(dataset.orphans.invoiceCrmRefs.map((crm_ref) => ({ crm_ref, account: null })));
    });

    it('stores the legacy codes and continues the id sequences after the seeded keys', async () => {
      const { rows } = await db.query('SELECT inv_id, inv_no, status_cd, issued_on::text AS issued_on FROM inv_header WHERE inv_no = $1', ['INV-200001']);
      const first = dataset.invoices[0]!;
      expect(rows).toEqual([{ inv_id: 1, inv_no: first.number, status_cd: first.statusCode, issued_on: first.issuedOn }]);
      const next = await db.query("SELECT nextval('inv_header_inv_id_seq') AS inv, nextval('pmt_pmt_id_seq') AS pmt");
      expect(next.rows).toEqual([{ inv: dataset.invoices.length + 1, pmt: dataset.payments.length + 1 }]);
    });
  });
});
