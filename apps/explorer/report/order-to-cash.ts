import type { ReportOrderToCashQuery } from '../../../schema/operations/reporting/__generated__/graphql.js';

/**
 * The order-to-cash checks: what the ERP, billing and the carrier say about each order, compared.
 * Pure, so the rules are read in one place (and shown on the page as written here).
 */

export type OrderFacts = NonNullable<ReportOrderToCashQuery['orders']>['nodes'][number];

export type CheckId = 'approved-not-invoiced' | 'invoiced-not-shipped' | 'shipped-unpaid' | 'erp-shipped-no-parcel';

export interface Check {
  id: CheckId;
  title: string;
  /** The systems compared; a check is not made when any of them is missing from the answer. */
  systems: string[];
  rule: string;
  applies(order: OrderFacts): boolean;
}

/** Approved or later in the ERP's process: APPROVED, SHIPPED, DELIVERED (not DRAFT, not CANCELLED). */
const APPROVED = new Set(['APPROVED', 'SHIPPED', 'DELIVERED']);

/** Billing has an invoice for it that is not void. */
const invoiced = (order: OrderFacts) => order.invoice !== null && order.invoice.status !== 'VOID';
/** The carrier has at least one parcel for it. */
const shipped = (order: OrderFacts) => (order.shipments?.length ?? 0) > 0;

export const CHECKS: readonly Check[] = [
  {
    id: 'approved-not-invoiced',
    title: 'Approved but not invoiced',
    systems: ['erp', 'billing'],
    rule: 'ERP status APPROVED, SHIPPED or DELIVERED; billing has no invoice for it that is not void',
    applies: (order) => APPROVED.has(order.status) && !invoiced(order),
  },
  {
    id: 'invoiced-not-shipped',
    title: 'Invoiced but not shipped',
    systems: ['billing', 'logistics'],
    rule: 'billing has an invoice for it that is not void; the carrier has no parcel for it',
    applies: (order) => invoiced(order) && !shipped(order),
  },
  {
    id: 'shipped-unpaid',
    title: 'Shipped but unpaid',
    systems: ['logistics', 'billing'],
    rule: 'the carrier has a parcel for it; its invoice (not void) is not PAID',
    applies: (order) => shipped(order) && invoiced(order) && order.invoice!.status !== 'PAID',
  },
  {
    id: 'erp-shipped-no-parcel',
    title: 'Shipped in the ERP, unknown to the carrier',
    systems: ['erp', 'logistics'],
    rule: 'ERP status SHIPPED or DELIVERED; the carrier has no parcel for it',
    applies: (order) => (order.status === 'SHIPPED' || order.status === 'DELIVERED') && !shipped(order),
  },
];

export interface CheckResult {
  check: Check;
  /** The orders it flags, in the ERP's order (newest first); null when a system it compares is missing. */
  flagged: OrderFacts[] | null;
  /** The systems that were missing, when `flagged` is null. */
  missing: string[];
}

export function runChecks(orders: readonly OrderFacts[], missingSystems: ReadonlySet<string>): CheckResult[] {
  return CHECKS.map((check) => {
    const missing = check.systems.filter((system) => missingSystems.has(system));
    return { check, flagged: missing.length > 0 ? null : orders.filter((order) => check.applies(order)), missing };
  });
}

/** Which system answers a field of the order-to-cash operation, for fields refused to the token. */
export function systemOfOrderField(coordinate: string): string | undefined {
  if (coordinate.startsWith('Order.invoice') || coordinate.startsWith('Invoice.')) return 'billing';
  if (coordinate.startsWith('Order.shipments') || coordinate.startsWith('Shipment.')) return 'logistics';
  if (coordinate.startsWith('Order.') || coordinate.startsWith('Query.orders')) return 'erp';
  return undefined;
}
