import { keyLists, createCountedRestClient } from '../shared/rest-client.js';
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
    return pages.flatMap((page) => page.body.data);
  };
  return {
    shipmentsByIds: (ids) => batch('ids', ids),
    shipmentsByOrderNumbers: (numbers) => batch('orderNumbers', numbers),
    shipmentsByCustomerIds: (ids) => batch('customerIds', ids),
    async listShipments(limit, afterId) {
      const { body } = await call<{ data: ShipmentModel[]; hasMore: boolean }>('GET', '/shipments', { query: { limit, after: afterId ?? undefined } });
      return { shipments: body.data, hasMore: body.hasMore };
    },
    async shipmentStats({ from, to, groupBy, customerId }) {
      const query = { from: from.toISOString(), to: to.toISOString(), groupBy: [...groupBy].map((grouping) => grouping.toLowerCase()).join(','), customerId };
      return (await call<{ data: ShipmentStatsRow[] }>('GET', '/shipments/stats', { query })).body.data;
    },
    async checkHealth() {
      await rest.uncounted('GET', '/healthz');
    },
    callCount: rest.callCount,
    resetCallCount: rest.resetCallCount,
    close: rest.close,
  };
}
