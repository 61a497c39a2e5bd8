import { BILLING_MIGRATION_LOCK_KEY } from '../../systems/billing/migrations.js';
import { seedBillingIfEmpty, type BillingSeedCounts } from '../../systems/billing/seed.js';
import { generateDataset } from '../../systems/seed/generate.js';
import type { CursorKey } from '../shared/connection.js';
import type { OpenedDb } from '../shared/kinds/sql.js';
import { migrate } from '../shared/migrate.js';
import { money } from '../shared/money.js';
import { consumerStates, type ConsumerState } from '../shared/process/steps.js';
import { openDatabase, type Database } from '../shared/sql.js';
import type { BillingSubgraphConfig } from './config.js';
import { CODE_BY_STATUS, INVOICE_COLUMNS, ISSUED_AT, PAYMENT_COLUMNS, legacyKeys, toInvoice, toPayment, type InvoiceRow, type PaymentRow } from './db-rows.js';
import { receivablesAging, revenue, type AgingRowModel, type RevenueQuery, type RevenueRowModel } from './db-aggregates.js';
import { ratesOn, setExchangeRate, type ExchangeRateModel, type RateTable } from './db-rates.js';
import { issueInvoiceIn, recordPaymentIn } from './db-writes.js';
import { BILLING_DATABASE_MIGRATIONS } from './migrations.js';
import type { AccountModel, InvoiceModel, InvoiceStatus, PaymentMethod, PaymentModel } from './models.js';

/**
 * The one seam to billing's legacy database: with `db-rows.ts` (rows and codes) and `db-writes.ts`
 * (the transactions), the only modules that know its tables and SQL. Every read takes a batch of
 * keys and sends ONE statement (`= ANY($1)`).
 */

/** A keyset page of invoices: `limit` after the cursor's (issue date, inv_id), newest first. */
export interface InvoicePageQuery extends InvoiceListFilter {
  limit: number;
  after: CursorKey | null;
}

/** What a list of invoices is narrowed to, whatever the page. */
export interface InvoiceListFilter {
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
  /** `BASE_CURRENCY`: the currency conversions and aggregate totals are given in. */
  readonly baseCurrency: string;
  /** Each currency's exchange rate in effect on a day (YYYY-MM-DD), one statement (db-rates.ts). */
  ratesOn(day: string): Promise<RateTable>;
  setExchangeRate(rate: ExchangeRateModel): Promise<ExchangeRateModel>;
  invoicesByIds(ids: readonly string[]): Promise<InvoiceModel[]>;
  invoicesByNumbers(numbers: readonly string[]): Promise<InvoiceModel[]>;
  /** At most one invoice per order (a void one only when the order has no other). */
  invoicesByOrderNumbers(orderNumbers: readonly string[]): Promise<InvoiceModel[]>;
  /** Up to `limit + 1` invoices per customer reference, newest first, after the cursor's key. */
  invoicesByCustomers(crmRefs: readonly string[], page: InvoicePageQuery): Promise<InvoiceModel[]>;
  /** Invoice counts per customer reference (in `status` when set); one without invoices is absent. */
  countInvoicesOfCustomers(crmRefs: readonly string[], status: InvoiceStatus | null): Promise<Map<string, number>>;
  /**
   * `limit + 1` invoices across customers, newest first (the extra row tells `hasNextPage`);
   * with `customerId` (a portal principal) only that customer's, in the same one statement.
   */
  listInvoices(page: InvoicePageQuery, customerId: string | null): Promise<InvoiceModel[]>;
  /** How many invoices `listInvoices` pages through with the same filter and customer. */
  countInvoices(filter: InvoiceListFilter, customerId: string | null): Promise<number>;
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
  /** Billing's consumers' state for a batch of orders (by number), one statement (shared/process/steps.ts). */
  consumerStates(orderNumbers: readonly string[], consumers: readonly string[]): Promise<Map<string, ConsumerState>>;
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
    const migrated = await migrate(database, BILLING_DATABASE_MIGRATIONS, BILLING_MIGRATION_LOCK_KEY);
    const started = performance.now();
    const seeded = await seedBillingIfEmpty(database, () => generateDataset({ seed: config.seed, scale: config.seedScale }));
    const seedMs = Math.round(performance.now() - started);
    database.resetStatementCount();
    return { db: billingQueries(database, config.baseCurrency), kind: database.kind, migrated, seeded, seedMs, sql: database };
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
}

/** The root invoice list's filters over parameters $1..$4 (listFilterParams). */
const LIST_FILTER = `($1::text IS NULL OR h.status_cd = $1::text) AND ($2::text IS NULL OR h.crm_ref = $2::text)
  AND ($3::timestamptz IS NULL OR ${ISSUED_AT} >= $3::timestamptz) AND ($4::timestamptz IS NULL OR ${ISSUED_AT} < $4::timestamptz)`;

function listFilterParams(filter: InvoiceListFilter, customerId: string | null): unknown[] {
  const status = filter.status ? CODE_BY_STATUS[filter.status] : null;
  return [status, customerId, filter.issuedAfter?.toISOString() ?? null, filter.issuedBefore?.toISOString() ?? null];
}

/** The cursor's (issue date, inv_id), or two nulls on a first page. */
const afterParams = (page: InvoicePageQuery): unknown[] => (page.after === null ? [null, null] : [page.after[0], page.after[1]]);

function billingQueries(database: Database, baseCurrency: string): BillingDb {
  const invoices = async (sql: string, params: unknown[]) => (await database.query<InvoiceRow>(sql, params)).rows.map(toInvoice);
  const payments = async (sql: string, params: unknown[]) => (await database.query<PaymentRow>(sql, params)).rows.map(toPayment);
  const statusCode = (status: InvoiceStatus | null) => (status ? CODE_BY_STATUS[status] : null);
  return {
    kind: database.kind,
    baseCurrency,
    ratesOn: (day) => ratesOn(database, day),
    setExchangeRate: (rate) => setExchangeRate(database, rate),
    invoicesByIds: (ids) => invoices(`SELECT ${INVOICE_COLUMNS} FROM inv_header h WHERE h.inv_id = ANY($1::bigint[])`, [legacyKeys(ids, 'inv')]),
    invoicesByNumbers: (numbers) => invoices(`SELECT ${INVOICE_COLUMNS} FROM inv_header h WHERE h.inv_no = ANY($1::text[])`, [numbers]),
    invoicesByOrderNumbers: (orderNumbers) =>
      invoices(
        `SELECT DISTINCT ON (h.order_ref) ${INVOICE_COLUMNS} FROM inv_header h WHERE h.order_ref = ANY($1::text[])
         ORDER BY h.order_ref, (h.status_cd = 'V'), h.issued_on DESC, h.inv_id DESC`,
        [orderNumbers],
      ),
    invoicesByCustomers: (crmRefs, page) =>
      // Numbering inside each customer's partition (after the cursor) pages every customer in one statement.
      invoices(
        `SELECT ${INVOICE_COLUMNS} FROM (
           SELECT i.*, row_number() OVER (PARTITION BY i.crm_ref ORDER BY i.issued_on DESC, i.inv_id DESC) AS rn
           FROM inv_header i WHERE i.crm_ref = ANY($1::text[]) AND ($2::text IS NULL OR i.status_cd = $2::text)
             AND ($4::date IS NULL OR (i.issued_on, i.inv_id) < ($4::date, $5::bigint))
         ) h WHERE h.rn <= $3::bigint + 1 ORDER BY h.crm_ref, h.rn`,
        [crmRefs, statusCode(page.status), page.limit, ...afterParams(page)],
      ),
    async countInvoicesOfCustomers(crmRefs, status) {
      const { rows } = await database.query<{ crm_ref: string; n: string | number }>(
        `SELECT h.crm_ref, count(*) AS n FROM inv_header h WHERE h.crm_ref = ANY($1::text[]) AND ($2::text IS NULL OR h.status_cd = $2::text) GROUP BY h.crm_ref`,
        [crmRefs, statusCode(status)],
      );
      return new Map(rows.map((row) => [row.crm_ref, Number(row.n)]));
    },
    listInvoices: (page, customerId) =>
      invoices(
        `SELECT ${INVOICE_COLUMNS} FROM inv_header h WHERE ${LIST_FILTER}
           AND ($6::date IS NULL OR (h.issued_on, h.inv_id) < ($6::date, $7::bigint))
         ORDER BY h.issued_on DESC, h.inv_id DESC LIMIT $5::bigint`,
        [...listFilterParams(page, customerId), page.limit + 1, ...afterParams(page)],
      ),
    async countInvoices(filter, customerId) {
      const { rows } = await database.query<{ n: string | number }>(`SELECT count(*) AS n FROM inv_header h WHERE ${LIST_FILTER}`, listFilterParams(filter, customerId));
      return Number(rows[0]?.n ?? 0);
    },
    revenue: (query) => revenue(database, query, baseCurrency),
    receivablesAging: (asOf, customerId) => receivablesAging(database, asOf, customerId, baseCurrency),
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
    consumerStates: (orderNumbers, consumers) => consumerStates(database, orderNumbers, consumers),
    async ping() {
      await database.ping();
    },
    statementCount: () => database.statementCount(),
    resetStatementCount: () => database.resetStatementCount(),
    close: () => database.close(),
  };
}
