import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '../../common/atomic-file.js';
import type { SeedShipment, SeedShipmentEvent, ShipmentStatus } from '../seed/types.js';

/** A carrier scan's statuses, plus `CANCELLED`: set by the shipper's cancellation, never by a scan. */
export type CarrierStatus = ShipmentStatus | 'CANCELLED';
/** A carrier scan (or the cancellation) as the API returns it. */
export type ShipmentEvent = Omit<SeedShipmentEvent, 'status'> & { status: CarrierStatus };
/** A shipment as the API returns it: the seed's shape, which may also be cancelled. */
export type Shipment = Omit<SeedShipment, 'status' | 'events'> & { status: CarrierStatus; events: ShipmentEvent[] };

/** What a carrier scan may set (`POST /shipments/:id/events`). */
export const STATUSES: readonly ShipmentStatus[] = ['LABEL_CREATED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION'];
/** Every status a shipment can have, in the order reports list them. */
export const CARRIER_STATUSES: readonly CarrierStatus[] = [...STATUSES, 'CANCELLED'];

export interface NewShipment {
  orderNumber: string;
  customerId: string;
  carrier: string;
  trackingNumber: string;
}

interface StoreFile {
  version: 1;
  nextNumber: number;
  shipments: Shipment[];
  /** `Idempotency-Key` of a `POST /shipments` → the shipment it created; absent in files written before keys existed. */
  idempotencyKeys?: Record<string, string>;
}

/** What `create` did: a new shipment, or the one an earlier call with the same key created. */
export type CreateOutcome = { created: true; shipment: Shipment } | { created: false; shipment: Shipment } | { conflict: Shipment };

/** What `cancel` found: `shipped` when the carrier already has the parcel (or delivered it). */
export type CancelOutcome = { cancelled: Shipment } | { shipped: Shipment } | undefined;

const shipmentId = (n: number) => `shp_${String(n).padStart(6, '0')}`;
/** `shp_000042` → 42; the ids' numbers, not their spelling, order them (past shp_999999 too). */
const shipmentNumber = (id: string) => Number(id.slice('shp_'.length));
/** What a shipment id looks like, checked before it is used as a list's key. */
export const SHIPMENT_ID = /^shp_\d{6,9}$/;

/**
 * The carrier system's data: an in-memory index over one JSON file, written to a temp file and
 * renamed over the old one before the caller gets an answer, so a restart keeps every write.
 */
export class ShipmentStore {
  private byId = new Map<string, Shipment>();
  private byOrder = new Map<string, Shipment[]>();
  private byCustomer = new Map<string, Shipment[]>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private data: StoreFile,
  ) {
    this.reindex();
  }

  static async open(storeDir: string, seed: () => Shipment[]): Promise<ShipmentStore> {
    await mkdir(storeDir, { recursive: true });
    const path = join(storeDir, 'shipments.json');
    try {
      return new ShipmentStore(path, JSON.parse(await readFile(path, 'utf8')) as StoreFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const shipments = seed();
    const store = new ShipmentStore(path, { version: 1, nextNumber: shipments.length + 1, shipments });
    await store.persist();
    return store;
  }

  count(): number {
    return this.data.shipments.length;
  }

  get(id: string): Shipment | undefined {
    return this.byId.get(id);
  }

  byIds(ids: readonly string[]): Shipment[] {
    return ids.flatMap((id) => this.byId.get(id) ?? []);
  }

  byOrderNumbers(numbers: readonly string[]): Shipment[] {
    return numbers.flatMap((number) => this.byOrder.get(number) ?? []);
  }

  byCustomerIds(ids: readonly string[]): Shipment[] {
    return ids.flatMap((id) => this.byCustomer.get(id) ?? []);
  }

  /** Every shipment, in id order: what the reporting endpoint counts over. */
  all(): readonly Shipment[] {
    return this.data.shipments;
  }

  /**
   * In id order (oldest first), `limit` shipments with an id after `afterId` (from the first
   * when unset). A keyset, not an offset: shipments created meanwhile only add to the end.
   */
  list(limit: number, afterId: string | undefined): { shipments: Shipment[]; hasMore: boolean } {
    const after = afterId === undefined ? 0 : shipmentNumber(afterId);
    // Shipments are appended in number order, so the first one past the key starts the page.
    const start = this.data.shipments.findIndex((shipment) => shipmentNumber(shipment.id) > after);
    if (start < 0) return { shipments: [], hasMore: false };
    return { shipments: this.data.shipments.slice(start, start + limit), hasMore: this.data.shipments.length > start + limit };
  }

  /**
   * Creates a shipment; with `idempotencyKey`, a key seen before returns the shipment it created
   * (even after a restart: keys are kept in the store's file) or, when the input differs from
   * that first call's, `conflict`. The key is claimed before the first await, so two concurrent
   * calls with one key create one shipment.
   */
  async create(input: NewShipment, idempotencyKey?: string): Promise<CreateOutcome> {
    if (idempotencyKey !== undefined) {
      const firstId = this.data.idempotencyKeys?.[idempotencyKey];
      const first = firstId === undefined ? undefined : this.byId.get(firstId);
      if (first) return sameInput(first, input) ? { created: false, shipment: first } : { conflict: first };
    }
    const now = new Date().toISOString();
    const shipment: Shipment = {
      id: shipmentId(this.data.nextNumber),
      trackingNumber: input.trackingNumber,
      carrier: input.carrier,
      status: 'LABEL_CREATED',
      shippedAt: null,
      estimatedDeliveryAt: null,
      deliveredAt: null,
      orderNumber: input.orderNumber,
      customerId: input.customerId,
      events: [{ status: 'LABEL_CREATED', at: now, location: 'Warehouse' }],
    };
    const idempotencyKeys = idempotencyKey === undefined ? this.data.idempotencyKeys : { ...this.data.idempotencyKeys, [idempotencyKey]: shipment.id };
    await this.commit({ ...this.data, nextNumber: this.data.nextNumber + 1, shipments: [...this.data.shipments, shipment], idempotencyKeys });
    return { created: true, shipment };
  }

  /**
   * Cancels a shipment the carrier has not picked up (`LABEL_CREATED`); cancelling a cancelled one
   * answers it again, so a retried cancellation is harmless. Undefined when there is no such shipment.
   */
  async cancel(id: string): Promise<CancelOutcome> {
    const current = this.byId.get(id);
    if (!current) return undefined;
    if (current.status === 'CANCELLED') return { cancelled: current };
    if (current.status !== 'LABEL_CREATED') return { shipped: current };
    const updated: Shipment = {
      ...current,
      status: 'CANCELLED',
      events: [...current.events, { status: 'CANCELLED', at: new Date().toISOString(), location: 'Cancelled by the shipper' }],
    };
    await this.replace(updated);
    return { cancelled: updated };
  }

  /** A carrier scan: appends the event and moves the shipment to its status. */
  async addEvent(id: string, event: SeedShipmentEvent): Promise<Shipment | 'cancelled' | undefined> {
    const current = this.byId.get(id);
    if (!current) return undefined;
    // A cancelled parcel never reaches the carrier: no scan can move it again.
    if (current.status === 'CANCELLED') return 'cancelled';
    const updated: Shipment = {
      ...current,
      status: event.status,
      shippedAt: current.shippedAt ?? (event.status === 'IN_TRANSIT' ? event.at : null),
      deliveredAt: event.status === 'DELIVERED' ? event.at : current.deliveredAt,
      events: [...current.events, event],
    };
    await this.replace(updated);
    return updated;
  }

  async flush(): Promise<void> {
    await this.writing;
  }

  private replace(updated: Shipment): Promise<void> {
    return this.commit({ ...this.data, shipments: this.data.shipments.map((shipment) => (shipment.id === updated.id ? updated : shipment)) });
  }

  /** Indexes the new state and makes it durable; on a failed write the old state comes back. */
  private async commit(next: StoreFile): Promise<void> {
    const previous = this.data;
    this.data = next;
    this.reindex();
    try {
      await this.persist();
    } catch (error) {
      this.data = previous;
      this.reindex();
      throw error;
    }
  }

  private reindex(): void {
    this.byId = new Map(this.data.shipments.map((shipment) => [shipment.id, shipment]));
    this.byOrder = groupBy(this.data.shipments, (shipment) => shipment.orderNumber);
    this.byCustomer = groupBy(this.data.shipments, (shipment) => shipment.customerId);
  }

  private persist(): Promise<void> {
    const snapshot = JSON.stringify(this.data);
    const write = this.writing.catch(() => undefined).then(() => writeFileAtomically(this.path, snapshot));
    this.writing = write;
    return write;
  }
}

const sameInput = (shipment: Shipment, input: NewShipment) =>
  shipment.orderNumber === input.orderNumber && shipment.customerId === input.customerId && shipment.carrier === input.carrier && shipment.trackingNumber === input.trackingNumber;

function groupBy(shipments: readonly Shipment[], key: (shipment: Shipment) => string): Map<string, Shipment[]> {
  const groups = new Map<string, Shipment[]>();
  for (const shipment of shipments) {
    const group = groups.get(key(shipment));
    if (group) group.push(shipment);
    else groups.set(key(shipment), [shipment]);
  }
  return groups;
}
