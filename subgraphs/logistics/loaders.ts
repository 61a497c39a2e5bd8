import DataLoader from 'dataloader';
import type { EntityCache } from '../shared/entity-cache/cache.js';
import type { StaleIfErrorReport } from '../shared/entity-cache/report.js';
import { createStepStatesLoader, type ReadConsumerStates, type StepStates } from '../shared/process/loader.js';
import { defaultProcessSlos, type ProcessSlos } from '../shared/process/slo.js';
import type { ProvenanceRecorder } from '../shared/provenance.js';
import { BOOK_SHIPMENT_CONSUMER, CANCEL_SHIPMENT_CONSUMER } from './events/handlers.js';
import { BATCH_SIZE, type LogisticsClient } from './logistics-client.js';
import type { ShipmentModel } from './models.js';
import { SHIPMENT, SHIPMENTS_BY_ORDER } from './shipment-cache.js';

/** Per-request loaders: every lookup made while resolving one operation shares a system call. */
export interface LogisticsLoaders {
  shipmentById: DataLoader<string, ShipmentModel | null>;
  /** All shipments of an order number, oldest first. */
  shipmentsByOrderNumber: DataLoader<string, ShipmentModel[]>;
  /** Records shipments fetched some other way (lists), so later lookups by id need no call. */
  prime(shipments: readonly ShipmentModel[]): void;
  /** Logistics' consumers' state behind its fulfillment step (booking; cancellation), by order number: the events database. */
  stepStates: StepStates;
  /** Each fulfillment step's SLO (schema/owners.yaml), read at start-up. */
  processSlos: ProcessSlos;
}

/** Where logistics' process view reads: its events database (server.ts), and the SLOs of its config. */
export interface ProcessSource {
  read: ReadConsumerStates;
  slos: ProcessSlos;
}

/** Loaders built without an events database (tests of the carrier reads): no consumer has seen any order. */
const NO_EVENTS: ReadConsumerStates = async () => new Map();

/**
 * Under the loaders sits the shared entity cache: only keys it cannot answer reach the system,
 * still in one call per 100 keys. Row-level rules run above, on whatever these return.
 */
export function createLoaders(
  client: LogisticsClient,
  cache: EntityCache,
  report: StaleIfErrorReport,
  provenance: ProvenanceRecorder,
  process: ProcessSource = { read: NO_EVENTS, slos: defaultProcessSlos() },
): LogisticsLoaders {
  const shipmentById = new DataLoader<string, ShipmentModel | null>(
    async (ids) => {
      const results = await cache.loadMany<ShipmentModel>(
        SHIPMENT,
        ids,
        async (missing) => {
          const byId = new Map((await client.shipmentsByIds(missing)).map((shipment) => [shipment.id, shipment]));
          return new Map(missing.map((id) => [id, byId.get(id) ?? null]));
        },
        report,
      );
      provenance.loaded(SHIPMENT, results);
      return results.map((result) => (result instanceof Error ? result : result.value));
    },
    { maxBatchSize: BATCH_SIZE },
  );
  const prime = (shipments: readonly ShipmentModel[]) => shipments.forEach((shipment) => shipmentById.prime(shipment.id, shipment));

  // Lists are cached as ids; a missing list comes from one batched call that also refreshes its shipments.
  const shipmentsByOrderNumber = new DataLoader<string, ShipmentModel[]>(
    async (numbers) => {
      const fetched = new Map<string, ShipmentModel>();
      const lists = await cache.loadMany<string[]>(
        SHIPMENTS_BY_ORDER,
        numbers,
        async (missing) => {
          const shipments = await client.shipmentsByOrderNumbers(missing);
          for (const shipment of shipments) fetched.set(shipment.id, shipment);
          await cache.setMany(
            SHIPMENT,
            shipments.map((shipment) => [shipment.id, shipment] as const),
          );
          return new Map(missing.map((number) => [number, shipments.filter((shipment) => shipment.orderNumber === number).map((shipment) => shipment.id)]));
        },
        report,
      );
      provenance.loaded(SHIPMENT, lists);
      prime([...fetched.values()]);
      return Promise.all(
        lists.map(async (result, i) => {
          if (result instanceof Error) return result;
          try {
            const shipments = await Promise.all((result.value ?? []).map((id) => fetched.get(id) ?? shipmentById.load(id)));
            // A list only ever answers shipments of its order, whatever an old entry says.
            return shipments.filter((shipment): shipment is ShipmentModel => shipment !== null && shipment.orderNumber === numbers[i]);
          } catch (error) {
            return error as Error;
          }
        }),
      );
    },
    { maxBatchSize: BATCH_SIZE },
  );
  const stepStates = createStepStatesLoader(
    (numbers, consumers) =>
      provenance.read(
        'FulfillmentStep',
        (found: Map<string, unknown>) => found.size,
        () => process.read(numbers, consumers),
      ),
    [BOOK_SHIPMENT_CONSUMER, CANCEL_SHIPMENT_CONSUMER],
  );
  return { shipmentById, shipmentsByOrderNumber, prime, stepStates, processSlos: process.slos };
}
