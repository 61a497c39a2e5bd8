import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../../../test/helpers/graphql.js';
import { startService, type ServiceProcess } from '../../../test/helpers/processes.js';
import { generateDataset } from '../../../systems/seed/generate.js';
import { uuidv7, type BusinessEvent } from '../../shared/events/envelope.js';
import type { EventHandler } from '../../shared/events/handler.js';
import { readOutbox } from '../../shared/events/outbox.js';
import { eventSchemas } from '../../shared/events/schemas.js';
import type { Database } from '../../shared/sql.js';
import { createLogisticsClient, type LogisticsClient } from '../logistics-client.js';
import { openLogisticsEventsDb } from './db.js';
import { carrierFor, createLogisticsHandlers, ShipmentAlreadyShippedError, trackingNumberFor } from './handlers.js';

/**
 * The logistics consumers over the real carrier stand-in (a process, seeded like `npm start`) and a
 * real events database (PGlite): bookings counted at the carrier, events read back from the outbox
 * and checked against their JSON Schema.
 */
const KEY = 'handlers-test-key';
const dataset = generateDataset();
const dataDir = mkdtempSync(join(tmpdir(), 'logistics-handlers-'));
let carrier: ServiceProcess;
let client: LogisticsClient;
let db: Database;
let book: EventHandler;
let cancel: EventHandler;

const raw = async (path: string, method: 'GET' | 'POST' = 'GET') => http<any>(method, `${carrier.url}${path}`, { headers: { 'x-api-key': KEY } });
const shipmentsOf = async (orderNumber: string) =>
  (await raw(`/shipments?orderNumbers=${orderNumber}`)).body.data as Array<{ id: string; status: string; carrier: string; trackingNumber: string }>;

const money = (amount: string) => ({ amount, currency: 'EUR' });
function approved(orderNumber: string, customerId = 'cus_0001'): BusinessEvent {
  const at = new Date().toISOString();
  return {
    id: uuidv7(),
    type: 'order.approved',
    version: 1,
    source: 'erp',
    aggregate: { type: 'Order', key: orderNumber },
    occurredAt: at,
    traceparent: null,
    payload: {
      orderNumber,
      customerId,
      placedAt: at,
      approvedAt: at,
      currency: 'EUR',
      total: money('20.00'),
      lines: [{ sku: 'SKU-10001', quantity: 2, unitPrice: money('10.00'), lineTotal: money('20.00') }],
    },
  };
}
function cancelled(orderNumber: string): BusinessEvent {
  const at = new Date().toISOString();
  return {
    id: uuidv7(),
    type: 'order.cancelled',
    version: 1,
    source: 'erp',
    aggregate: { type: 'Order', key: orderNumber },
    occurredAt: at,
    traceparent: null,
    payload: { orderNumber, customerId: 'cus_0001', cancelledAt: at, previousStatus: 'APPROVED' },
  };
}

/** What the consumer runtime does around a handler: one transaction, committed or rolled back. */
const apply = (handler: EventHandler, event: BusinessEvent) => db.transaction((tx) => handler.handle(event, tx));
const outbox = async () => readOutbox(db, { all: true, limit: 1000 });

beforeAll(async () => {
  const env = { PORT: '0', BIZGRAPH_DATA_DIR: dataDir, LOGISTICS_API_KEY: KEY, SEED: undefined, SEED_SCALE: undefined, LOGISTICS_WEBHOOK_URL: undefined };
  [carrier, { db }] = await Promise.all([
    startService({ name: 'logistics-system', entry: 'systems/logistics/main.ts', env }),
    openLogisticsEventsDb({ databaseUrl: undefined, dataDir }),
  ]);
  client = createLogisticsClient({ baseUrl: carrier.url, apiKey: KEY, timeoutMs: 5000 });
  [book, cancel] = createLogisticsHandlers({ client }) as [EventHandler, EventHandler];
});
afterAll(async () => {
  await Promise.allSettled([client?.close(), db?.close(), carrier?.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('logistics.book-shipment', () => {
  it('consumes erp.order.approved under its own name', () => {
    expect({ consumer: book.consumer, subjects: book.subjects }).toEqual({ consumer: 'logistics.book-shipment', subjects: ['erp.order.approved'] });
    expect({ consumer: cancel.consumer, subjects: cancel.subjects }).toEqual({ consumer: 'logistics.cancel-shipment', subjects: ['erp.order.cancelled'] });
    // What the transports deliver to logistics (schema/events/subscriptions.json) is exactly what its handlers consume.
    const subscriptions = JSON.parse(readFileSync(new URL('../../../schema/events/subscriptions.json', import.meta.url), 'utf8')) as Record<string, string[]>;
    expect([...book.subjects, ...cancel.subjects].sort()).toEqual([...subscriptions.logistics!].sort());
  });

  it('books one shipment and records shipment.created, also when redelivered after a crash before the commit', async () => {
    const event = approved('SO-990101', 'cus_0007');
    expect(eventSchemas().validate(event)).toEqual({ ok: true });
    // The first delivery books at the carrier, then its transaction fails (the process died): no outbox row.
    await expect(
      db.transaction(async (tx) => {
        await book.handle(event, tx);
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect(await outbox()).toEqual([]);
    await apply(book, event);

    const [shipment, ...more] = await shipmentsOf('SO-990101');
    expect(more).toEqual([]);
    const expectedCarrier = carrierFor('SO-990101');
    expect(shipment).toMatchObject({ status: 'LABEL_CREATED', carrier: expectedCarrier.name, trackingNumber: trackingNumberFor(expectedCarrier, event.id) });
    const [created, ...others] = await outbox();
    expect(others).toEqual([]);
    expect(created).toMatchObject({
      type: 'shipment.created',
      version: 1,
      source: 'logistics',
      aggregate: { type: 'Shipment', key: shipment!.id },
      payload: {
        shipmentId: shipment!.id,
        orderNumber: 'SO-990101',
        customerId: 'cus_0007',
        carrier: shipment!.carrier,
        trackingNumber: shipment!.trackingNumber,
        createdAt: expect.any(String),
      },
    });
    const { seq: _seq, ...emitted } = created!;
    expect(eventSchemas().validate(emitted)).toEqual({ ok: true });
  });

  it('books the same carrier for the same order, and tracking numbers from the event id', () => {
    expect(carrierFor('SO-100007')).toEqual(carrierFor('SO-100007'));
    expect(new Set(['SO-100001', 'SO-100002', 'SO-100003', 'SO-100004', 'SO-100005'].map((number) => carrierFor(number).name)).size).toBe(5);
    const id = '0190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b';
    expect(trackingNumberFor({ name: 'DHL', prefix: 'JD' }, id)).toBe('JD9A0B1C2D3E4F5A6B');
  });

  it('throws when the carrier answers 5xx, and records nothing', async () => {
    let calls = 0;
    const failing: Server = createServer((_request, response) => {
      calls++;
      response.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"unavailable"}}');
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const { port } = failing.address() as { port: number };
    const down = createLogisticsClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY, timeoutMs: 2000 });
    const before = (await outbox()).length;
    try {
      const [booking] = createLogisticsHandlers({ client: down });
      await expect(apply(booking!, approved('SO-990102'))).rejects.toThrow('logistics answered HTTP 503');
      expect(calls).toBe(1);
    } finally {
      await down.close();
      await new Promise((resolve) => failing.close(resolve));
    }
    expect((await outbox()).length).toBe(before);
  });

  it('throws when the carrier does not answer in time', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const slow = createLogisticsClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY, timeoutMs: 200 });
    try {
      const [booking] = createLogisticsHandlers({ client: slow });
      await expect(apply(booking!, approved('SO-990103'))).rejects.toThrow('logistics is unreachable');
    } finally {
      await slow.close();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('logistics.cancel-shipment', () => {
  it("cancels the order's shipment the carrier has not picked up, and again harmlessly", async () => {
    await apply(book, approved('SO-990201'));
    const [booked] = await shipmentsOf('SO-990201');
    const before = (await outbox()).length;
    await apply(cancel, cancelled('SO-990201'));
    expect(await shipmentsOf('SO-990201')).toEqual([expect.objectContaining({ id: booked!.id, status: 'CANCELLED' })]);
    await apply(cancel, cancelled('SO-990201'));
    expect(await shipmentsOf('SO-990201')).toEqual([expect.objectContaining({ id: booked!.id, status: 'CANCELLED' })]);
    // What the subgraph serves (through the client's tolerant reader): CANCELLED, not a failed delivery.
    const [read] = await client.shipmentsByOrderNumbers(['SO-990201']);
    expect({ status: read!.status, events: read!.events.map(({ status, location }) => ({ status, location })) }).toEqual({
      status: 'CANCELLED',
      events: [
        { status: 'LABEL_CREATED', location: 'Warehouse' },
        { status: 'CANCELLED', location: 'Cancelled by the shipper' },
      ],
    });
    // Nothing to announce: the cancellation is the ERP's event.
    expect((await outbox()).length).toBe(before);
  });

  it('does nothing for an order without shipments', async () => {
    await expect(apply(cancel, cancelled('SO-990202'))).resolves.toBeUndefined();
    expect(await shipmentsOf('SO-990202')).toEqual([]);
  });

  it('throws a clear error for a parcel the carrier already has, and leaves it be', async () => {
    const shipped = dataset.shipments.find(
      (shipment) => shipment.status === 'IN_TRANSIT' && dataset.shipments.filter((other) => other.orderNumber === shipment.orderNumber).length === 1,
    )!;
    const error = await apply(cancel, cancelled(shipped.orderNumber)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ShipmentAlreadyShippedError);
    expect((error as Error).message).toBe(`order ${shipped.orderNumber} was cancelled but the carrier already has ${shipped.id} (IN_TRANSIT): intercept or return it by hand`);
    expect((await raw(`/shipments/${shipped.id}`)).body.status).toBe('IN_TRANSIT');
  });
});

describe('shipment event schemas', () => {
  const created = { shipmentId: 'shp_000042', orderNumber: 'SO-100001', customerId: 'cus_0001', carrier: 'DHL', trackingNumber: 'JD123', createdAt: '2026-07-01T09:30:00.000Z' };
  const delivered = { shipmentId: 'shp_000042', orderNumber: 'SO-100001', carrier: 'DHL', trackingNumber: 'JD123', deliveredAt: '2026-07-03T09:30:00.000Z' };
  const envelope = (type: string, payload: Record<string, unknown>) => ({
    id: uuidv7(),
    type,
    version: 1,
    source: 'logistics',
    aggregate: { type: 'Shipment', key: 'shp_000042' },
    occurredAt: new Date().toISOString(),
    traceparent: null,
    payload,
  });

  it('accepts the documented payloads and refuses broken ones', () => {
    const schemas = eventSchemas();
    expect(schemas.known).toEqual(expect.arrayContaining(['shipment.created.v1', 'shipment.delivered.v1']));
    expect(schemas.validate(envelope('shipment.created', created))).toEqual({ ok: true });
    expect(schemas.validate(envelope('shipment.delivered', delivered))).toEqual({ ok: true });
    const { carrier: _carrier, ...withoutCarrier } = created;
    expect(schemas.validate(envelope('shipment.created', withoutCarrier))).toEqual({ ok: false, reason: "shipment.created v1 payload must have required property 'carrier'" });
    expect(schemas.validate(envelope('shipment.delivered', { ...delivered, deliveredAt: 'yesterday' }))).toEqual({
      ok: false,
      reason: 'shipment.delivered v1 payload/deliveredAt must match format "date-time"',
    });
    expect(schemas.validate(envelope('shipment.delivered', { ...delivered, status: 'DELIVERED' }))).toEqual({
      ok: false,
      reason: 'shipment.delivered v1 payload must NOT have additional properties',
    });
  });
});
