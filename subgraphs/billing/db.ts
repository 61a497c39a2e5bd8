import { BILLING_MIGRATIONS, BILLING_MIGRATION_LOCK_KEY } from '../../systems/billing/migrations.js';
import { seedBillingIfEmpty, type BillingSeedCounts } from '../../systems/billing/seed.js';
import { generateDataset } from '../../systems/seed/generate.js';
import type { OpenedDb } from '../shared/kinds/sql.js';
import { migrate } from '../shared/migrate.js';
import { money } from '../shared/money.js';
import { openDatabase, type Database, type Queryable } from '../shared/sql.js';
import type { BillingSubgraphConfig } from './config.js';
import type { AccountModel, InvoiceModel, InvoiceStatus, PaymentMethod, PaymentModel } from './models.js';

/**
 * The one seam to billing's legacy database: the only module that knows its tables, codes and
 * SQL. Every read takes a batch of keys and sends ONE statement (`= ANY($1)`).
 */

const STATUS_BY_CODE: Record<string, InvoiceStatus> = { O: 'OPEN', P: 'PAID', D: 'OVERDUE', V: 'VOID' };
const CODE_BY_STATUS: Record<InvoiceStatus, string> = { OPEN: 'O', PAID: 'P', OVERDUE: 'D', VOID: 'V' };
const METHOD_BY_CODE: Record<string, PaymentMethod> = { CC: 'CARD', BT: 'BANK_TRANSFER', DD: 'DIRECT_DEBIT', CK: 'CHEQUE' };
const CODE_BY_METHOD: Record<PaymentMethod, string> = { CARD: 'CC', BANK_TRANSFER: 'BT', DIRECT_DEBIT: 'DD', CHEQUE: 'CK' };

/** Public ids wrap the legacy numeric keys: inv_id 42 ↔ `inv_000042` (the seed's ids). */
const publicId = (prefix: string, n: number) => `${prefix}_${String(n).padStart(6, '0')}`;
function legacyKeys(ids: readonly string[], prefix: string): number[] {
  const pattern = new RegExp(`^${prefix}_(\\d{1,15})$`);
  return ids.flatMap((id) => {
    const match = pattern.exec(id);
    return match ? [Number(match[1])] : [];
  });
}

interface InvoiceRow {
  inv_id: number;
  inv_no: string;
  order_ref: string;
  crm_ref: string;
  status_cd: string;
  issued_on: string;
  due_on: string;
  amount_cents: number;
  currency_cd: string;
  paid_cents: number;
}
interface PaymentRow {
  pmt_id: number;
  inv_id: number;
  crm_ref: string;
  amount_cents: number;
  paid_at: Date | string;
  method_cd: string;
  currency_cd: string;
  request_fingerprint: string | null;
}

// Dates are read as text: `pg` would turn a `date` into a local-time Date and shift the day.
const INVOICE_COLUMNS = `h.inv_id, h.inv_no, h.order_ref, h.crm_ref, h.status_cd, h.issued_on::text AS issued_on,
  h.due_on::text AS due_on, h.amount_cents, h.currency_cd,
  (SELECT coalesce(sum(p.amount_cents), 0)::bigint FROM pmt p WHERE p.inv_id = h.inv_id) AS paid_cents`;
const PAYMENT_COLUMNS = `p.pmt_id, p.inv_id, h.crm_ref, p.amount_cents, p.paid_at, p.method_cd, h.currency_cd, p.request_fingerprint`;

function toInvoice(row: InvoiceRow): InvoiceModel {
  return {
    id: publicId('inv', row.inv_id),
    number: row.inv_no,
    status: STATUS_BY_CODE[row.status_cd] ?? 'OPEN',
    issuedAt: `${row.issued_on}T00:00:00.000Z`,
    dueAt: `${row.due_on}T00:00:00.000Z`,
    amount: money(row.amount_cents, row.currency_cd),
    amountDue: money(row.amount_cents - row.paid_cents, row.currency_cd),
    amountCents: row.amount_cents,
    paidCents: row.paid_cents,
    currency: row.currency_cd,
    orderNumber: row.order_ref,
    crmRef: row.crm_ref,
  };
}

function toPayment(row: PaymentRow): PaymentModel {
  return {
    id: publicId('pay', row.pmt_id),
    invoiceId: publicId('inv', row.inv_id),
    crmRef: row.crm_ref,
    amount: money(row.amount_cents, row.currency_cd),
    paidAt: new Date(row.paid_at).toISOString(),
    method: METHOD_BY_CODE[row.method_cd] ?? 'BANK_TRANSFER',
  };
}

export interface InvoicePageQuery {
  limit: number;
  offset: number;
  status: InvoiceStatus | null;
}

export interface PaymentRequest {
  idempotencyKey: string;
  /** Hash of the request's meaning; the same key with another fingerprint is a different request. */
  fingerprint: string;
  invoiceNumber: string;
  amountCents: number;
  currency: string;
  method: PaymentMethod;
}

/** What a payment attempt came to; the caller turns refusals into client errors. */
export type PaymentOutcome =
  | { kind: 'recorded' | 'replayed'; payment: PaymentModel }
  | { kind: 'key-reused' | 'invoice-not-found' | 'invoice-void' | 'forbidden' }
  | { kind: 'currency-mismatch'; invoiceCurrency: string }
  | { kind: 'exceeds-amount-due'; amountDue: string };

export interface BillingDb {
  readonly kind: Database['kind'];
  invoicesByIds(ids: readonly string[]): Promise<InvoiceModel[]>;
  invoicesByNumbers(numbers: readonly string[]): Promise<InvoiceModel[]>;
  /** At most one invoice per order (a void one only when the order has no other). */
  invoicesByOrderNumbers(orderNumbers: readonly string[]): Promise<InvoiceModel[]>;
  /** Up to `limit + 1` invoices per customer reference, newest first, after `offset`. */
  invoicesByCustomers(crmRefs: readonly string[], page: InvoicePageQuery): Promise<InvoiceModel[]>;
  /**
   * `limit + 1` invoices across customers, newest first (the extra row tells `hasNextPage`);
   * with `customerId` (a portal principal) only that customer's, in the same one statement.
   */
  listInvoices(page: InvoicePageQuery, customerId: string | null): Promise<InvoiceModel[]>;
  paymentsByInvoiceIds(invoiceIds: readonly string[]): Promise<PaymentModel[]>;
  paymentsByIds(ids: readonly string[]): Promise<PaymentModel[]>;
  accountsByCrmRefs(crmRefs: readonly string[]): Promise<AccountModel[]>;
  /**
   * `customerId` set (a portal principal): a payment on, or a replay of a payment on, another
   * customer's invoice is `forbidden` and writes nothing. Checked inside the transaction, on the
   * locked row, so it costs no extra statement.
   */
  recordPayment(request: PaymentRequest, customerId: string | null): Promise<PaymentOutcome>;
  ping(): Promise<void>;
  statementCount(): number;
  resetStatementCount(): void;
  close(): Promise<void>;
}

/** The typed queries and what the start found (migrations applied, rows seeded). */
export type OpenedBillingDb = OpenedDb<BillingDb, BillingSeedCounts>;

/** Opens (PGlite or server), migrates, seeds an empty database, and returns the typed queries. */
export async function openBillingDb(config: BillingSubgraphConfig): Promise<OpenedBillingDb> {
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.pgliteDir, statementTimeoutMs: config.statementTimeoutMs });
  try {
    const migrated = await migrate(database, BILLING_MIGRATIONS, BILLING_MIGRATION_LOCK_KEY);
    const started = performance.now();
    const seeded = await seedBillingIfEmpty(database, () => generateDataset({ seed: config.seed, scale: config.seedScale }));
    const seedMs = Math.round(performance.now() - started);
    database.resetStatementCount();
    return { db: billingQueries(database), kind: database.kind, migrated, seeded, seedMs };
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
}

function billingQueries(database: Database): BillingDb {
  const invoices = async (sql: string, params: unknown[]) => (await database.query<InvoiceRow>(sql, params)).rows.map(toInvoice);
  const payments = async (sql: string, params: unknown[]) => (await database.query<PaymentRow>(sql, params)).rows.map(toPayment);
  const statusCode = (status: InvoiceStatus | null) => (status ? CODE_BY_STATUS[status] : null);
  return {
    kind: database.kind,
    invoicesByIds: (ids) => invoices(`SELECT ${INVOICE_COLUMNS} FROM inv_header h WHERE h.inv_id = ANY($1::bigint[])`, [legacyKeys(ids, 'inv')]),
    invoicesByNumbers: (numbers) => invoices(`SELECT ${INVOICE_COLUMNS} FROM inv_header h WHERE h.inv_no = ANY($1::text[])`, [numbers]),
    invoicesByOrderNumbers: (orderNumbers) =>
      invoices(
        `SELECT DISTINCT ON (h.order_ref) ${INVOICE_COLUMNS} FROM inv_header h WHERE h.order_ref = ANY($1::text[])
         ORDER BY h.order_ref, (h.status_cd = 'V'), h.issued_on DESC, h.inv_id DESC`,
        [orderNumbers],
      ),
    invoicesByCustomers: (crmRefs, page) =>
      // Numbering inside each customer's partition pages every customer in one statement.
      invoices(
        `SELECT ${INVOICE_COLUMNS} FROM (
           SELECT i.*, row_number() OVER (PARTITION BY i.crm_ref ORDER BY i.issued_on DESC, i.inv_id DESC) AS rn
           FROM inv_header i WHERE i.crm_ref = ANY($1::text[]) AND ($2::text IS NULL OR i.status_cd = $2::text)
         ) h WHERE h.rn > $3::bigint AND h.rn <= $3::bigint + $4::bigint + 1 ORDER BY h.crm_ref, h.rn`,
        [crmRefs, statusCode(page.status), page.offset, page.limit],
      ),
    listInvoices: (page, customerId) =>
      invoices(
        `SELECT ${INVOICE_COLUMNS} FROM inv_header h
         WHERE ($1::text IS NULL OR h.status_cd = $1::text) AND ($4::text IS NULL OR h.crm_ref = $4::text)
         ORDER BY h.issued_on DESC, h.inv_id DESC LIMIT $2::bigint OFFSET $3::bigint`,
        [statusCode(page.status), page.limit + 1, page.offset, customerId],
      ),
    paymentsByInvoiceIds: (invoiceIds) =>
      payments(
        `SELECT ${PAYMENT_COLUMNS} FROM pmt p JOIN inv_header h ON h.inv_id = p.inv_id
         WHERE p.inv_id = ANY($1::bigint[]) ORDER BY p.inv_id, p.paid_at, p.pmt_id`,
        [legacyKeys(invoiceIds, 'inv')],
      ),
    paymentsByIds: (ids) => payments(`SELECT ${PAYMENT_COLUMNS} FROM pmt p JOIN inv_header h ON h.inv_id = p.inv_id WHERE p.pmt_id = ANY($1::bigint[])`, [legacyKeys(ids, 'pay')]),
    async accountsByCrmRefs(crmRefs) {
      // No FX conversion in billing: the balance counts the invoices in the account's currency.
      const { rows } = await database.query<{ crm_ref: string; currency_cd: string; credit_limit_cents: number; balance_cents: number }>(
        `SELECT a.crm_ref, a.currency_cd, a.credit_limit_cents,
           coalesce((SELECT sum(h.amount_cents - (SELECT coalesce(sum(p.amount_cents), 0) FROM pmt p WHERE p.inv_id = h.inv_id))
                     FROM inv_header h
                     WHERE h.crm_ref = a.crm_ref AND h.status_cd <> 'V' AND h.currency_cd = a.currency_cd), 0)::bigint AS balance_cents
         FROM cust_acct a WHERE a.crm_ref = ANY($1::text[])`,
        [crmRefs],
      );
      return rows.map((row) => ({
        crmRef: row.crm_ref,
        balance: money(row.balance_cents, row.currency_cd),
        creditLimit: money(row.credit_limit_cents, row.currency_cd),
      }));
    },
    recordPayment: (request, customerId) => database.transaction((tx) => recordPaymentIn(tx, request, customerId)),
    async ping() {
      await database.ping();
    },
    statementCount: () => database.statementCount(),
    resetStatementCount: () => database.resetStatementCount(),
    close: () => database.close(),
  };
}

/**
 * One transaction: serialize on the idempotency key, replay or refuse a reused key, lock the
 * invoice row, check it, insert the payment and settle the invoice when fully paid. Refusals
 * return before anything is written.
 */
async function recordPaymentIn(tx: Queryable, request: PaymentRequest, customerId: string | null): Promise<PaymentOutcome> {
  // Two concurrent requests with one key queue here; the second then sees the first's row.
  await tx.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2::text))', [BILLING_MIGRATION_LOCK_KEY, request.idempotencyKey]);
  const previous = await tx.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM pmt p JOIN inv_header h ON h.inv_id = p.inv_id WHERE p.idempotency_key = $1`, [
    request.idempotencyKey,
  ]);
  const first = previous.rows[0];
  if (first && customerId !== null && first.crm_ref !== customerId) return { kind: 'forbidden' };
  if (first) return first.request_fingerprint === request.fingerprint ? { kind: 'replayed', payment: toPayment(first) } : { kind: 'key-reused' };

  const locked = await tx.query<{ inv_id: number; crm_ref: string; status_cd: string; amount_cents: number; currency_cd: string }>(
    'SELECT inv_id, crm_ref, status_cd, amount_cents, currency_cd FROM inv_header WHERE inv_no = $1 FOR UPDATE',
    [request.invoiceNumber],
  );
  const invoice = locked.rows[0];
  if (!invoice) return { kind: 'invoice-not-found' };
  if (customerId !== null && invoice.crm_ref !== customerId) return { kind: 'forbidden' };
  if (invoice.status_cd === 'V') return { kind: 'invoice-void' };
  if (invoice.currency_cd !== request.currency) return { kind: 'currency-mismatch', invoiceCurrency: invoice.currency_cd };
  const paid = await tx.query<{ paid_cents: number }>('SELECT coalesce(sum(amount_cents), 0)::bigint AS paid_cents FROM pmt WHERE inv_id = $1', [invoice.inv_id]);
  const dueCents = invoice.amount_cents - (paid.rows[0]?.paid_cents ?? 0);
  if (request.amountCents > dueCents) return { kind: 'exceeds-amount-due', amountDue: money(dueCents, invoice.currency_cd).amount };

  const inserted = await tx.query<PaymentRow>(
    `INSERT INTO pmt (inv_id, amount_cents, paid_at, method_cd, idempotency_key, request_fingerprint)
     VALUES ($1, $2, now(), $3, $4, $5)
     RETURNING pmt_id, inv_id, $7::text AS crm_ref, amount_cents, paid_at, method_cd, $6::text AS currency_cd, request_fingerprint`,
    [invoice.inv_id, request.amountCents, CODE_BY_METHOD[request.method], request.idempotencyKey, request.fingerprint, invoice.currency_cd, invoice.crm_ref],
  );
  if (request.amountCents === dueCents) await tx.query(`UPDATE inv_header SET status_cd = 'P' WHERE inv_id = $1`, [invoice.inv_id]);
  return { kind: 'recorded', payment: toPayment(inserted.rows[0]!) };
}
