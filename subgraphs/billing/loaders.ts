import DataLoader from 'dataloader';
import { groupBy } from '../../common/group-by.js';
import { createStepStatesLoader, type StepStates } from '../shared/process/loader.js';
import { defaultProcessSlos, type ProcessSlos } from '../shared/process/slo.js';
import type { ProvenanceRecorder } from '../shared/provenance.js';
import { INVOICE_ON_APPROVAL, VOID_ON_CANCEL } from './events/handlers.js';
import type { RateTable } from './db-rates.js';
import type { BillingDb, InvoicePageQuery } from './db.js';
import type { AccountModel, InvoiceModel, InvoiceStatus, PaymentModel } from './models.js';

/** One customer's page of invoices; keys with equal page arguments share one statement. */
export interface CustomerInvoicesKey extends InvoicePageQuery {
  crmRef: string;
}

export interface CustomerInvoiceCountKey {
  crmRef: string;
  status: InvoiceStatus | null;
}

export interface BillingLoaders {
  invoiceById: DataLoader<string, InvoiceModel | null>;
  invoiceByNumber: DataLoader<string, InvoiceModel | null>;
  /** The invoice billing an order (by order number); also answers `Order.paymentStatus`. */
  invoiceByOrderNumber: DataLoader<string, InvoiceModel | null>;
  paymentsByInvoiceId: DataLoader<string, PaymentModel[]>;
  paymentById: DataLoader<string, PaymentModel | null>;
  /** Balance and credit limit by CRM reference; null when billing has no account. */
  accountByCrmRef: DataLoader<string, AccountModel | null>;
  /** `limit + 1` invoices per customer (the extra row tells `hasNextPage`). */
  invoicesByCustomer: DataLoader<CustomerInvoicesKey, InvoiceModel[], string>;
  /** How many invoices a customer has (in a status): one GROUP BY per status asked for. */
  invoiceCountByCustomer: DataLoader<CustomerInvoiceCountKey, number, string>;
  /** Each currency's exchange rate in effect on a day (YYYY-MM-DD): one statement per day asked. */
  ratesOnDay: DataLoader<string, RateTable>;
  /** Billing's consumers' state behind its fulfillment steps (invoice; cancellation), by order number. */
  stepStates: StepStates;
  /** Each fulfillment step's SLO (schema/owners.yaml), read at start-up. */
  processSlos: ProcessSlos;
}

/** After a write: every loader forgets what it read (the SLOs beside them are configuration, not reads). */
export function clearLoaders(loaders: BillingLoaders): void {
  for (const loader of Object.values(loaders)) if (loader instanceof DataLoader) loader.clearAll();
}

function one<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): (T | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => byKey.get(key) ?? null);
}

function many<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): T[][] {
  const byKey = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) byKey.get(keyOf(row))?.push(row);
  return keys.map((key) => byKey.get(key) ?? []);
}

const pageGroup = (key: InvoicePageQuery) => JSON.stringify([key.limit, key.after, key.status]);

/**
 * Built per request, so caching never outlives one operation. Each batch is ONE statement,
 * recorded for provenance (when asked for) with the time it ran.
 */
export function createLoaders(db: BillingDb, provenance: ProvenanceRecorder, processSlos: ProcessSlos = defaultProcessSlos()): BillingLoaders {
  const rows = <T>(list: readonly T[]) => list.length;
  const read = <T>(type: string, work: () => Promise<T[]>) => provenance.read(type, rows, work);
  // An invoice found by any key is cached under its id and number too.
  const remember = (invoices: readonly (InvoiceModel | null)[]) => {
    for (const invoice of invoices) {
      if (!invoice) continue;
      loaders.invoiceById.prime(invoice.id, invoice);
      loaders.invoiceByNumber.prime(invoice.number, invoice);
    }
    return invoices;
  };
  const loaders: BillingLoaders = {
    processSlos,
    stepStates: createStepStatesLoader(
      (numbers, consumers) =>
        provenance.read(
          'FulfillmentStep',
          (found: Map<string, unknown>) => found.size,
          () => db.consumerStates(numbers, consumers),
        ),
      [INVOICE_ON_APPROVAL, VOID_ON_CANCEL],
    ),
    ratesOnDay: new DataLoader((days) =>
      Promise.all(
        days.map((day) =>
          provenance.read(
            'ExchangeRate',
            (table: RateTable) => table.size,
            () => db.ratesOn(day),
          ),
        ),
      ),
    ),
    invoiceCountByCustomer: new DataLoader(
      async (keys) => {
        // One GROUP BY per status asked for in the batch.
        const counts = new Map<string, number>();
        await Promise.all(
          [...groupBy(keys, (key) => key.status ?? '').values()].map(async (group) => {
            const status = group[0]!.status;
            const found = await db.countInvoicesOfCustomers([...new Set(group.map((key) => key.crmRef))], status);
            for (const [crmRef, n] of found) counts.set(`${crmRef}|${status ?? ''}`, n);
          }),
        );
        return keys.map((key) => counts.get(`${key.crmRef}|${key.status ?? ''}`) ?? 0);
      },
      { cacheKeyFn: (key) => `${key.crmRef}|${key.status ?? ''}` },
    ),
    invoiceById: new DataLoader(async (ids) => remember(one(ids, await read('Invoice', () => db.invoicesByIds(ids)), (i) => i.id))),
    invoiceByNumber: new DataLoader(async (numbers) => remember(one(numbers, await read('Invoice', () => db.invoicesByNumbers(numbers)), (i) => i.number))),
    invoiceByOrderNumber: new DataLoader(async (numbers) => remember(one(numbers, await read('Invoice', () => db.invoicesByOrderNumbers(numbers)), (i) => i.orderNumber))),
    paymentsByInvoiceId: new DataLoader(async (ids) => many(ids, await read('Payment', () => db.paymentsByInvoiceIds(ids)), (p) => p.invoiceId)),
    paymentById: new DataLoader(async (ids) => one(ids, await read('Payment', () => db.paymentsByIds(ids)), (p) => p.id)),
    accountByCrmRef: new DataLoader(async (refs) => one(refs, await read('Customer', () => db.accountsByCrmRefs(refs)), (a) => a.crmRef)),
    invoicesByCustomer: new DataLoader(
      async (keys) => {
        // Group by the page arguments: one windowed statement per distinct group.
        const groups = groupBy(keys, pageGroup);
        const pages = new Map<string, InvoiceModel[]>();
        await Promise.all(
          [...groups.values()].map(async (group) => {
            const refs = [...new Set(group.map((key) => key.crmRef))];
            const found = await read('Invoice', () => db.invoicesByCustomers(refs, group[0]!));
            many(refs, found, (i) => i.crmRef).forEach((list, i) => pages.set(`${refs[i]}|${pageGroup(group[0]!)}`, list));
          }),
        );
        return keys.map((key) => remember(pages.get(`${key.crmRef}|${pageGroup(key)}`) ?? []) as InvoiceModel[]);
      },
      { cacheKeyFn: (key) => `${key.crmRef}|${pageGroup(key)}` },
    ),
  };
  return loaders;
}
