import type { Queryable, TransactionalQueryable } from '../../common/contracts/sql.js';
import type { Dataset } from '../seed/types.js';

export interface BillingSeedCounts {
  accounts: number;
  invoices: number;
  payments: number;
}

/** `inv_000042` / `pay_000042` (data set ids) → 42, the legacy numeric key. */
export function legacyNumericId(id: string): number {
  const match = /^[a-z]+_(\d+)$/.exec(id);
  if (!match) throw new Error(`unexpected data set id "${id}"`);
  return Number(match[1]);
}

/**
 * Seeds billing's tables from the data set when `inv_header` is empty, in one transaction with
 * one bulk `INSERT … SELECT FROM unnest(…)` per table. The table lock makes a second replica
 * starting at the same time wait, then find the rows and skip. `load` runs only when seeding.
 */
export async function seedBillingIfEmpty(db: TransactionalQueryable, load: () => Dataset): Promise<BillingSeedCounts | null> {
  return db.transaction(async (tx) => {
    await tx.query('LOCK TABLE inv_header IN SHARE ROW EXCLUSIVE MODE');
    const { rows } = await tx.query('SELECT EXISTS (SELECT 1 FROM inv_header) AS seeded');
    if ((rows[0] as { seeded: boolean }).seeded) return null;
    const dataset = load();
    await insertAccounts(tx, dataset);
    await insertInvoices(tx, dataset);
    await insertPayments(tx, dataset);
    // New rows written through the API continue after the seeded keys.
    await tx.query(`SELECT setval('inv_header_inv_id_seq', (SELECT coalesce(max(inv_id), 0) + 1 FROM inv_header), false),
                           setval('pmt_pmt_id_seq', (SELECT coalesce(max(pmt_id), 0) + 1 FROM pmt), false)`);
    return { accounts: dataset.accounts.length, invoices: dataset.invoices.length, payments: dataset.payments.length };
  });
}

async function insertAccounts(tx: Queryable, dataset: Dataset): Promise<void> {
  const { accounts } = dataset;
  await tx.query(
    `INSERT INTO cust_acct (crm_ref, currency_cd, credit_limit_cents)
     SELECT * FROM unnest($1::text[], $2::char(3)[], $3::bigint[])`,
    [accounts.map((a) => a.crmRef), accounts.map((a) => a.currency), accounts.map((a) => a.creditLimitCents)],
  );
}

async function insertInvoices(tx: Queryable, dataset: Dataset): Promise<void> {
  const { invoices } = dataset;
  await tx.query(
    `INSERT INTO inv_header (inv_id, inv_no, order_ref, crm_ref, status_cd, issued_on, due_on, amount_cents, currency_cd)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::char(1)[], $6::date[], $7::date[], $8::bigint[], $9::char(3)[])`,
    [
      invoices.map((i) => legacyNumericId(i.id)),
      invoices.map((i) => i.number),
      invoices.map((i) => i.orderNumber),
      invoices.map((i) => i.crmRef),
      invoices.map((i) => i.statusCode),
      invoices.map((i) => i.issuedOn),
      invoices.map((i) => i.dueOn),
      invoices.map((i) => i.amountCents),
      invoices.map((i) => i.currency),
    ],
  );
}

async function insertPayments(tx: Queryable, dataset: Dataset): Promise<void> {
  const { payments } = dataset;
  await tx.query(
    `INSERT INTO pmt (pmt_id, inv_id, amount_cents, paid_at, method_cd)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::timestamptz[], $5::char(2)[])`,
    [
      payments.map((p) => legacyNumericId(p.id)),
      payments.map((p) => legacyNumericId(p.invoiceId)),
      payments.map((p) => p.amountCents),
      payments.map((p) => p.paidAt),
      payments.map((p) => p.methodCode),
    ],
  );
}
