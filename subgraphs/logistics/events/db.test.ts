import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/services.js';
import { sqlBackends } from '../../../test/helpers/sql-subgraph.js';
import { readOutbox } from '../../shared/events/outbox.js';
import type { Database } from '../../shared/sql.js';
import { openLogisticsEventsDb } from './db.js';
import { recordShipmentDelivered } from './shipment-events.js';

/** The logistics events database on both backends: migrated once, and a delivery recorded once however many record it at the same time. */
const backends = await sqlBackends();
const delivery = { shipmentId: 'shp_000042', orderNumber: 'SO-100001', carrier: 'DHL', trackingNumber: 'JD123', deliveredAt: '2026-07-03T09:30:00.000Z' };

describe.each(backends)('logistics events database on $name', (backend) => {
  describe.skipIf(!backend.available)('migrations and deliveries', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'logistics-events-db-'));
    let server: TestDatabase | undefined;
    let db: Database;
    const open = () => openLogisticsEventsDb({ databaseUrl: server?.url, dataDir });

    beforeAll(async () => {
      if (backend.name === 'postgres') server = await createTestDatabase('logistics_events');
    });
    afterAll(async () => {
      await db?.close();
      await server?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('applies the event, delivery and retention tables and recorded_deliveries once; a second start applies nothing', async () => {
      const first = await open();
      expect(first.migrated).toEqual([1, 2, 3]);
      await first.db.close();
      const second = await open();
      expect(second.migrated).toEqual([]);
      db = second.db;
      const { rows } = await db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
      expect(rows.map((row) => row.table_name)).toEqual([
        'cancelled_orders',
        'dead_letters',
        'event_attempts',
        'event_deliveries',
        'event_holds',
        'outbox',
        'processed_events',
        'pruned_delivery_counts',
        'pruned_outbox_counts',
        'recorded_deliveries',
        'schema_migrations',
      ]);
    });

    it('records one shipment.delivered when the same delivery is recorded three times at once', async () => {
      const results = await Promise.all([1, 2, 3].map(() => recordShipmentDelivered(db, delivery)));
      expect(results.filter((event) => event !== null)).toHaveLength(1);
      const events = await readOutbox(db, { all: true });
      expect(events.map(({ type, aggregate, payload }) => ({ type, aggregate, payload }))).toEqual([
        { type: 'shipment.delivered', aggregate: { type: 'Shipment', key: 'shp_000042' }, payload: delivery },
      ]);
      expect(await recordShipmentDelivered(db, { ...delivery, deliveredAt: '2026-07-04T09:30:00.000Z' })).toBeNull();
    });
  });
});
