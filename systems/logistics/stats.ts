import type { Shipment } from './store.js';
import { CARRIER_STATUSES } from './store.js';

/**
 * The carrier's reporting endpoint: shipment counts per group, over the shipments whose label was
 * created in `[from, to)` (their first event). Late: delivered after the estimate, or not
 * delivered and past it now; never a cancelled parcel, which no one is waiting for any more.
 */
export type StatsGrouping = 'month' | 'status' | 'carrier';
export const STATS_GROUPINGS: readonly StatsGrouping[] = ['month', 'status', 'carrier'];

export interface StatsQuery {
  from: string;
  to: string;
  groupBy: ReadonlySet<StatsGrouping>;
  /** Only this customer's shipments (a customer portal's view). */
  customerId?: string;
}

export interface StatsRow {
  month: string | null;
  status: string | null;
  carrier: string | null;
  shipments: number;
  delivered: number;
  late: number;
}

/** When the label was created: the first event, else when the carrier picked it up. */
const createdAt = (shipment: Shipment) => shipment.events[0]?.at ?? shipment.shippedAt ?? '';

export function shipmentStats(shipments: readonly Shipment[], query: StatsQuery): StatsRow[] {
  const now = new Date().toISOString();
  const groups = new Map<string, StatsRow>();
  for (const shipment of shipments) {
    const at = createdAt(shipment);
    if (at < query.from || at >= query.to) continue;
    if (query.customerId !== undefined && shipment.customerId !== query.customerId) continue;
    const row: StatsRow = {
      month: query.groupBy.has('month') ? at.slice(0, 7) : null,
      status: query.groupBy.has('status') ? shipment.status : null,
      carrier: query.groupBy.has('carrier') ? shipment.carrier : null,
      shipments: 0,
      delivered: 0,
      late: 0,
    };
    const key = `${row.month}|${row.status}|${row.carrier}`;
    const group = groups.get(key) ?? row;
    group.shipments++;
    if (shipment.deliveredAt !== null) group.delivered++;
    const estimate = shipment.estimatedDeliveryAt;
    if (shipment.status !== 'CANCELLED' && estimate !== null && (shipment.deliveredAt ?? now) > estimate) group.late++;
    groups.set(key, group);
  }
  const rank = (status: string | null) => (status === null ? -1 : CARRIER_STATUSES.indexOf(status as Shipment['status']));
  return [...groups.values()].sort((a, b) => (a.month ?? '').localeCompare(b.month ?? '') || rank(a.status) - rank(b.status) || (a.carrier ?? '').localeCompare(b.carrier ?? ''));
}
