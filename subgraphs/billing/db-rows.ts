import { money } from '../shared/money.js';
import type { InvoiceModel, InvoiceStatus, PaymentMethod, PaymentModel } from './models.js';

/**
 * Billing's legacy rows and codes, and how they map to the models: shared by the reads (`db.ts`)
 * and the writes (`db-writes.ts`), the only two modules that send SQL.
 */

export const STATUS_BY_CODE: Record<string, InvoiceStatus> = { O: 'OPEN', P: 'PAID', D: 'OVERDUE', V: 'VOID' };
export const CODE_BY_STATUS: Record<InvoiceStatus, string> = { OPEN: 'O', PAID: 'P', OVERDUE: 'D', VOID: 'V' };
const METHOD_BY_CODE: Record<string, PaymentMethod> = { CC: 'CARD', BT: 'BANK_TRANSFER', DD: 'DIRECT_DEBIT', CK: 'CHEQUE' };
export const CODE_BY_METHOD: Record<PaymentMethod, string> = { CARD: 'CC', BANK_TRANSFER: 'BT', DIRECT_DEBIT: 'DD', CHEQUE: 'CK' };

/** Public ids wrap the legacy numeric keys: inv_id 42 ↔ `inv_000042` (the seed's ids). */
export const publicId = (prefix: string, n: number) => `${prefix}_${String(n).padStart(6, '0')}`;
export function legacyKeys(ids: readonly string[], prefix: string): number[] {
  const pattern = new RegExp(`^${prefix}_(\\d{1,15})$`);
  return ids.flatMap((id) => {
    const match = pattern.exec(id);
    return match ? [Number(match[1])] : [];
  });
}

export interface InvoiceRow {
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
export interface PaymentRow {
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
export const INVOICE_COLUMNS = `h.inv_id, h.inv_no, h.order_ref, h.crm_ref, h.status_cd, h.issued_on::text AS issued_on,
  h.due_on::text AS due_on, h.amount_cents, h.currency_cd,
  (SELECT coalesce(sum(p.amount_cents), 0)::bigint FROM pmt p WHERE p.inv_id = h.inv_id) AS paid_cents`;
/** An invoice's issue date as the instant it stands for (midnight UTC), whatever the session's time zone. */
export const ISSUED_AT = `(h.issued_on::timestamp AT TIME ZONE 'UTC')`;
export const PAYMENT_COLUMNS = `p.pmt_id, p.inv_id, h.crm_ref, p.amount_cents, p.paid_at, p.method_cd, h.currency_cd, p.request_fingerprint`;

export function toInvoice(row: InvoiceRow): InvoiceModel {
  return {
    id: publicId('inv', row.inv_id),
    number: row.inv_no,
    status: STATUS_BY_CODE[row.status_cd] ?? 'OPEN',
    issuedAt: `${row.issued_on}T00:00:00.000Z`,
    dueAt: `${row.due_on}T00:00:00.000Z`,
    amount: money(row.amount_cents, row.currency_cd),
    // A void invoice is owed nothing (void-on-cancel voids only invoices without payments).
    amountDue: money(row.status_cd === 'V' ? 0 : row.amount_cents - row.paid_cents, row.currency_cd),
    amountCents: row.amount_cents,
    paidCents: row.paid_cents,
    currency: row.currency_cd,
    orderNumber: row.order_ref,
    crmRef: row.crm_ref,
  };
}

export function toPayment(row: PaymentRow): PaymentModel {
  return {
    id: publicId('pay', row.pmt_id),
    invoiceId: publicId('inv', row.inv_id),
    crmRef: row.crm_ref,
    amount: money(row.amount_cents, row.currency_cd),
    paidAt: new Date(row.paid_at).toISOString(),
    method: METHOD_BY_CODE[row.method_cd] ?? 'BANK_TRANSFER',
  };
}
