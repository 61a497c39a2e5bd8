import { keyLists, createCountedRestClient } from '../shared/rest-client.js';
import type { ShipmentStatus } from './__generated__/resolvers-types.js';
import type { ShipmentModel } from './models.js';
import { ORIGIN } from './origin.js';

/** The system's batch endpoints take at most this many keys per call. */
export const BATCH_SIZE = 100;

export interface ShipmentStatsQuery {
  from: Date;
  to: Date;
  groupBy: ReadonlySet<'MONTH' | 'STATUS' | 'CARRIER'>;
  /** A portal principal's customer: only its shipments count. */
  customerId?: string;
}
export interface ShipmentStatsRow {
  month: string | null;
  status: ShipmentModel['status'] | null;
  carrier: string | null;
  shipments: number;
  delivered: number;
  late: number;
}

/** A parcel to book at the carrier. */
export interface NewShipment {
  orderNumber: string;
  customerId: string;
  carrier: string;
  trackingNumber: string;
}

/** `created` false: the carrier had booked it already under the same idempotency key. */
export interface Booking {
  shipment: ShipmentModel;
  created: boolean;
}

/** `cancelled` also when it already was; `shipped`: the carrier has the parcel, too late. */
export type Cancellation = 'cancelled' | 'shipped' | 'not-found';

export interface LogisticsClientOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
}

/**
 * The one seam to the logistics system's REST API: only this module knows its URLs, parameters
 * and key. Every batch read is one HTTP call per ≤ 100 keys.
 */
export interface LogisticsClient {
  shipmentsByIds(ids: readonly string[]): Promise<ShipmentModel[]>;
  /** Every shipment of the orders, oldest first per order. */
  shipmentsByOrderNumbers(numbers: readonly string[]): Promise<ShipmentModel[]>;
  /** Every shipment to the customers (the portal's list). */
  shipmentsByCustomerIds(ids: readonly string[]): Promise<ShipmentModel[]>;
  /** `limit` (≤ 100) shipments with an id after `afterId` (from the first when null), oldest first: the carrier's keyset. */
  listShipments(limit: number, afterId: string | null): Promise<{ shipments: ShipmentModel[]; hasMore: boolean }>;
  /** Shipment counts per group over `[from, to)` of label creation, computed by the system. */
  shipmentStats(query: ShipmentStatsQuery): Promise<ShipmentStatsRow[]>;
  /**
   * Books a parcel (`POST /shipments`, `Idempotency-Key`): a call repeated with the same key, even
   * after a crash and a restart on either side, gets the first booking back instead of a second parcel.
   */
  createShipment(input: NewShipment, idempotencyKey: string): Promise<Booking>;
  /** Withdraws a parcel the carrier has not picked up (`POST /shipments/:id/cancel`). */
  cancelShipment(id: string): Promise<Cancellation>;
  checkHealth(): Promise<void>;
  /** Calls made since start or the last reset (health checks excluded): the batching proof. */
  callCount(): number;
  resetCallCount(): void;
  close(): Promise<void>;
}

export function createLogisticsClient(options: LogisticsClientOptions): LogisticsClient {
  const rest = createCountedRestClient({ baseUrl: options.baseUrl, apiKey: options.apiKey, origin: ORIGIN, timeoutMs: options.timeoutMs });
  const call = rest.call;
  const batch = async (param: string, keys: readonly string[]): Promise<ShipmentModel[]> => {
    const pages = await Promise.all(keyLists(keys, BATCH_SIZE).map((list) => call<{ data: ShipmentModel[] }>('GET', '/shipments', { query: { [param]: list } })));
    return tolerated(pages.flatMap((page) => page.body.data));
  };
  return {
    shipmentsByIds: (ids) => batch('ids', ids),
    shipmentsByOrderNumbers: (numbers) => batch('orderNumbers', numbers),
    shipmentsByCustomerIds: (ids) => batch('customerIds', ids),
    async listShipments(limit, afterId) {
      const { body } = await call<{ data: ShipmentModel[]; hasMore: boolean }>('GET', '/shipments', { query: { limit, after: afterId ?? undefined } });
      return { shipments: tolerated(body.data), hasMore: body.hasMore };
    },
    async shipmentStats({ from, to, groupBy, customerId }) {
      const query = { from: from.toISOString(), to: to.toISOString(), groupBy: [...groupBy].map((grouping) => grouping.toLowerCase()).join(','), customerId };
      return toleratedStats((await call<{ data: ShipmentStatsRow[] }>('GET', '/shipments/stats', { query })).body.data);
    },
    async createShipment(input, idempotencyKey) {
      const response = await call<ShipmentModel>('POST', '/shipments', { body: input, headers: { 'idempotency-key': idempotencyKey } });
      return { shipment: tolerated([response.body])[0]!, created: response.status === 201 };
    },
    async cancelShipment(id) {
      const response = await call('POST', `/shipments/${encodeURIComponent(id)}/cancel`, { expect: [404, 409] });
      return response.status === 404 ? 'not-found' : response.status === 409 ? 'shipped' : 'cancelled';
    },
    async checkHealth() {
      await rest.uncounted('GET', '/healthz');
    },
    callCount: rest.callCount,
    resetCallCount: rest.resetCallCount,
    close: rest.close,
  };
}

/** The schema's statuses, in the enum's (and the carrier's reports') order. */
const STATUS_ORDER: readonly ShipmentStatus[] = ['LABEL_CREATED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION', 'CANCELLED'];
const KNOWN_STATUSES: ReadonlySet<string> = new Set(STATUS_ORDER);
const known = (status: string): ShipmentStatus => (KNOWN_STATUSES.has(status) ? (status as ShipmentStatus) : 'EXCEPTION');

/**
 * A tolerant reader: a status the schema's `ShipmentStatus` does not list (one a real carrier
 * adds) reads as `EXCEPTION`, whose scans say more, instead of failing the whole shipment. In
 * place: the rows were just parsed and belong to nobody else.
 */
function tolerated(shipments: ShipmentModel[]): ShipmentModel[] {
  for (const shipment of shipments) {
    shipment.status = known(shipment.status);
    for (const event of shipment.events) event.status = known(event.status);
  }
  return shipments;
}

/** The same for report rows: a row of an unknown status is added to its group's `EXCEPTION` row, then the carrier's order is restored. */
function toleratedStats(rows: ShipmentStatsRow[]): ShipmentStatsRow[] {
  if (rows.every((row) => row.status === null || KNOWN_STATUSES.has(row.status))) return rows;
  const merged = new Map<string, ShipmentStatsRow>();
  for (const row of rows) {
    const status = row.status === null ? null : known(row.status);
    const key = `${row.month}|${status}|${row.carrier}`;
    const into = merged.get(key);
    if (!into) merged.set(key, { ...row, status });
    else Object.assign(into, { shipments: into.shipments + row.shipments, delivered: into.delivered + row.delivered, late: into.late + row.late });
  }
  const rank = (status: ShipmentStatus | null) => (status === null ? -1 : STATUS_ORDER.indexOf(status));
  return [...merged.values()].sort((a, b) => (a.month ?? '').localeCompare(b.month ?? '') || rank(a.status) - rank(b.status) || (a.carrier ?? '').localeCompare(b.carrier ?? ''));
}
