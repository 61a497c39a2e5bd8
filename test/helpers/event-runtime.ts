import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { freePort, startOwnNats, type OwnNats } from './nats.js';
import { createTestDatabase, type TestDatabase } from './services.js';
import { openDatabase, type Database } from '../../subgraphs/shared/sql.js';
import { startConsumers, type Consumers } from '../../subgraphs/shared/events/consumer.js';
import { EVENT_DELIVERY_TABLES_V1 } from '../../subgraphs/shared/events/delivery-tables.js';
import type { BusinessEvent } from '../../subgraphs/shared/events/envelope.js';
import type { EventHandler } from '../../subgraphs/shared/events/handler.js';
import { openHttpTransport } from '../../subgraphs/shared/events/http-transport.js';
import { openJetStreamTransport } from '../../subgraphs/shared/events/jetstream.js';
import { EVENT_TABLES_V1, recordEvent } from '../../subgraphs/shared/events/outbox.js';
import { EVENT_RETENTION_TABLES_V1 } from '../../subgraphs/shared/events/retention-tables.js';
import { startRelay, type Relay } from '../../subgraphs/shared/events/relay.js';
import { EVENT_SCHEMA_DIR, loadEventSchemas } from '../../subgraphs/shared/events/schemas.js';
import type { EventLog, EventTransport } from '../../subgraphs/shared/events/transport.js';

/**
 * The event runtime's test harness (subgraphs/shared/events/*.test.ts): a PGlite or PostgreSQL
 * database holding a producer's outbox and a consumer's tables side by side, as in a subgraph that
 * does both, and either a nats-server of the test's own or signed HTTP to a real Fastify app.
 */
export const SUBJECT = 'erp.thing.happened';
export const OTHER = 'erp.thing.other';
export const SECRET = 'test-events-secret';
const schemaDir = mkdtempSync(join(tmpdir(), 'bizgraph-event-schemas-'));
copyFileSync(join(EVENT_SCHEMA_DIR, 'envelope.v1.json'), join(schemaDir, 'envelope.v1.json'));
writeFileSync(
  join(schemaDir, 'thing.happened.v1.json'),
  JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', additionalProperties: false, required: ['n'], properties: { n: { type: 'integer' } } }),
);
writeFileSync(join(schemaDir, 'thing.other.v1.json'), JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' }));
export const schemas = loadEventSchemas(schemaDir);

export interface Effect {
  consumer: string;
  aggregate_key: string;
  n: number;
}

/** A handler that writes one `effects` row per applied event; `fail` decides when it throws instead. */
export function thingHandler(consumer: string, calls: BusinessEvent[], fail: (event: BusinessEvent, call: number) => string | undefined = () => undefined): EventHandler {
  return {
    consumer,
    subjects: [SUBJECT],
    async handle(event, tx) {
      calls.push(event);
      const reason = fail(event, calls.filter((call) => call.id === event.id).length);
      if (reason) throw new Error(reason);
      await tx.query('INSERT INTO effects (consumer, event_id, aggregate_key, n) VALUES ($1, $2, $3, $4)', [consumer, event.id, event.aggregate.key, event.payload.n]);
    },
  };
}

export class Harness {
  db!: Database;
  nats?: OwnNats;
  dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-events-'));
  port = 0;
  app?: FastifyInstance;
  producer?: EventTransport;
  consumerTransport?: EventTransport;
  relay?: Relay;
  consumers?: Consumers;
  logLines: string[] = [];
  log: EventLog = { info: (_f, m) => this.logLines.push(m), warn: (_f, m) => this.logLines.push(m), error: (_f, m) => this.logLines.push(m) };

  server?: TestDatabase;

  constructor(
    readonly kind: 'jetstream' | 'http',
    readonly engine: 'pglite' | 'postgres' = 'pglite',
  ) {}

  async open(): Promise<void> {
    if (this.engine === 'postgres') this.server = await createTestDatabase('events_runtime');
    this.db = await openDatabase({ dataDir: this.dataDir, url: this.server?.url });
    await this.db.exec(
      EVENT_TABLES_V1 +
        EVENT_DELIVERY_TABLES_V1 +
        EVENT_RETENTION_TABLES_V1 +
        'CREATE TABLE effects (seq serial PRIMARY KEY, consumer text, event_id uuid, aggregate_key text, n integer);',
    );
    if (this.kind === 'jetstream') this.nats = await startOwnNats();
    else this.port = await freePort();
  }

  /** The producer side's transport (a separate connection, as in another process). */
  producerTransport(): EventTransport {
    this.producer ??=
      this.kind === 'jetstream'
        ? openJetStreamTransport({ url: this.nats!.url, publishTimeoutMs: 1000, log: this.log })
        : openHttpTransport({
            secret: SECRET,
            db: this.db,
            subscribers: { things: `http://127.0.0.1:${this.port}` },
            subscriptions: { things: [SUBJECT, OTHER] },
            pollIntervalMs: 100,
            retryBaseMs: 50,
            retryMaxMs: 500,
            requestTimeoutMs: 2000,
            log: this.log,
          });
    return this.producer;
  }

  startRelay(): Relay {
    this.relay = startRelay({ db: this.db, transport: this.producerTransport(), pollIntervalMs: 200, log: this.log });
    return this.relay;
  }

  /** The consumer side: its own transport (and, over HTTP, its own app on the harness's port). */
  async startConsumers(handlers: EventHandler[], options: { maxDeliveries?: number; wrap?: (transport: EventTransport) => EventTransport } = {}): Promise<Consumers> {
    if (this.kind === 'jetstream') {
      // Deliveries a stopped consumer had pulled but not settled come back after ack_wait (30 s by
      // default), longer than a test waits after restarting its consumers: 3 s keeps that bounded.
      this.consumerTransport = openJetStreamTransport({ url: this.nats!.url, ackWaitMs: 3000, log: this.log });
    } else {
      this.app = Fastify();
      this.consumerTransport = openHttpTransport({ secret: SECRET, app: this.app, subscriptions: { things: [SUBJECT, OTHER] }, log: this.log });
      await this.app.listen({ host: '127.0.0.1', port: this.port });
    }
    const transport = options.wrap ? options.wrap(this.consumerTransport) : this.consumerTransport;
    this.consumers = await startConsumers({
      db: this.db,
      transport,
      handlers,
      maxDeliveries: options.maxDeliveries ?? 5,
      schemas,
      log: this.log,
      retryBaseMs: 50,
      retryMaxMs: 400,
    });
    return this.consumers;
  }

  async stopConsumers(): Promise<void> {
    await this.consumers?.close();
    await this.consumerTransport?.close();
    await this.app?.close();
    this.consumers = this.consumerTransport = this.app = undefined;
  }

  async record(key: string, n: number | string, type = 'thing.happened'): Promise<BusinessEvent> {
    const event = await this.db.transaction((tx) => recordEvent(tx, { type, version: 1, source: 'erp', aggregate: { type: 'Thing', key }, payload: { n }, traceparent: null }));
    this.relay?.wake();
    return event;
  }

  async effects(consumer: string): Promise<Effect[]> {
    return (await this.db.query<Effect>('SELECT consumer, aggregate_key, n FROM effects WHERE consumer = $1 ORDER BY seq', [consumer])).rows;
  }

  async count(sql: string, params: unknown[] = []): Promise<number> {
    return Number((await this.db.query<{ count: number }>(sql, params)).rows[0]?.count ?? 0);
  }

  async close(): Promise<void> {
    await this.stopConsumers();
    await this.relay?.close();
    await this.producer?.close();
    await this.db?.close();
    await this.server?.drop();
    await this.nats?.dispose();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Keys of one aggregate's effects, in the order applied. */
export const ordersOf = (effects: Effect[]) => {
  const byKey: Record<string, number[]> = {};
  for (const effect of effects) (byKey[effect.aggregate_key] ??= []).push(effect.n);
  return byKey;
};
