import { BILLING_MIGRATIONS, BILLING_MIGRATION_LOCK_KEY } from '../../systems/billing/migrations.js';
import { seedBillingIfEmpty, type BillingSeedCounts } from '../../systems/billing/seed.js';
import { generateDataset } from '../../systems/seed/generate.js';
import type { OpenedDb } from '../shared/kinds/sql.js';
import { migrate } from '../shared/migrate.js';
import { money } from '../shared/money.js';
import { openDatabase, type Database } from '../shared/sql.js';
import type { BillingSubgraphConfig } from './config.js';
import { CODE_BY_STATUS, INVOICE_COLUMNS, ISSUED_AT, PAYMENT_COLUMNS, legacyKeys, toInvoice, toPayment, type InvoiceRow, type PaymentRow } from './db-rows.js';
import { receivablesAging, revenue, type AgingRowModel, type RevenueQuery, type RevenueRowModel } from './db-aggregates.js';
import { issueInvoiceIn, recordPaymentIn } from './db-writes.js';
import type { AccountModel, InvoiceModel, InvoiceStatus, PaymentMethod, PaymentModel } from './models.js';

/**
 * The one seam to billing's legacy database: with `db-rows.ts` (rows and codes) and `db-writes.ts`
 * (the transactions), the only modules that know its tables and SQL. Every read takes a batch of
 * keys and sends ONE statement (`= ANY($1)`).
 */

export interface InvoicePageQuery {
  limit: number;
  offset: number;
  status: InvoiceStatus | null;
  /** Issued on or after this instant (root list only). */
  issuedAfter?: Date | null;
  /** Issued before this instant (root list only). */
  issuedBefore?: Date | null;
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

export interface InvoiceRequest {
  idempotencyKey: string;
  /** Hash of the request's meaning; the same key with another fingerprint is a different request. */
  fingerprint: string;
  orderNumber: string;
  crmRef: string;
  amountCents: number;
  currency: string;
  dueInDays: number;
}

/** What an invoice attempt came to; the caller turns refusals into client errors. */
export type InvoiceOutcome = { kind: 'issued' | 'replayed'; invoice: InvoiceModel } | { kind: 'key-reused' } | { kind: 'already-invoiced'; invoiceNumber: string };

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
  /** Invoiced and paid per group and currency over a period of issue dates (db-aggregates.ts). */
  revenue(query: RevenueQuery): Promise<RevenueRowModel[]>;
  /** What was owed at `asOf`, per bucket of days past due and currency (db-aggregates.ts). */
  receivablesAging(asOf: Date, customerId: string | null): Promise<AgingRowModel[]>;
  paymentsByInvoiceIds(invoiceIds: readonly string[]): Promise<PaymentModel[]>;
  paymentsByIds(ids: readonly string[]): Promise<PaymentModel[]>;
  accountsByCrmRefs(crmRefs: readonly string[]): Promise<AccountModel[]>;
  /**
   * `customerId` set (a portal principal): a payment on, or a replay of a payment on, another
   * customer's invoice is `forbidden` and writes nothing. Checked inside the transaction, on the
   * locked row, so it costs no extra statement.
   */
  recordPayment(request: PaymentRequest, customerId: string | null): Promise<PaymentOutcome>;
  /**
   * Issues an invoice for an order dated today (UTC), numbered after its id. An order that has an
   * invoice which is not void is `already-invoiced`: billing never bills an order twice.
   */
  issueInvoice(request: InvoiceRequest): Promise<InvoiceOutcome>;
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
           AND ($5::timestamptz IS NULL OR ${ISSUED_AT} >= $5::timestamptz) AND ($6::timestamptz IS NULL OR ${ISSUED_AT} < $6::timestamptz)
         ORDER BY h.issued_on DESC, h.inv_id DESC LIMIT $2::bigint OFFSET $3::bigint`,
        [statusCode(page.status), page.limit + 1, page.offset, customerId, page.issuedAfter?.toISOString() ?? null, page.issuedBefore?.toISOString() ?? null],
      ),
    revenue: (query) => revenue(database, query),
    receivablesAging: (asOf, customerId) => receivablesAging(database, asOf, customerId),
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
    issueInvoice: (request) => database.transaction((tx) => issueInvoiceIn(tx, request)),
    async ping() {
      await database.ping();
    },
    statementCount: () => database.statementCount(),
    resetStatementCount: () => database.resetStatementCount(),
    close: () => database.close(),
  };
}
