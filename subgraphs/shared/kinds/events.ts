import { processLogger } from '../../../common/logger.js';
import { readGatewayJwks } from '../config.js';
import { registerEventMetrics } from '../events/event-metrics.js';
import type { EventHandler } from '../events/handler.js';
import { registerEventRoutes } from '../events/operations-routes.js';
import { startEvents, type EventsConfig, type EventsRuntime } from '../events/runtime.js';
import { eventSchemas } from '../events/schemas.js';
import { announceSubscriber, subscriberUrls } from '../events/subscribers.js';
import { createInternalTokenVerifier, type GatewayJwksSource } from '../internal-auth.js';
import type { SubgraphServer } from '../server.js';
import type { Database } from '../sql.js';

export interface SubgraphEventsOptions {
  /** Subgraph name as in schema/supergraph.yaml. */
  name: string;
  /** The database holding the outbox and the consumers' tables (migrated already). */
  db: Database;
  /** `gatewayJwks` verifies the operators' internal tokens on the `/events/*` routes; default from process.env. */
  config: { dataDir: string; events: EventsConfig; gatewayJwks?: GatewayJwksSource };
  /** Set when the subgraph produces events: its outbox is relayed, with this source name. */
  producer?: string;
  /** The events it reacts to. */
  handlers?: readonly EventHandler[];
}

/** A subgraph server with its event runtime: what `/debug/counters` and metrics read. */
export interface SubgraphWithEvents extends SubgraphServer {
  events: EventsRuntime;
}

/**
 * Takes a built (not yet listening) subgraph into business events (issue 17): starts the relay
 * for its outbox and its consumers, wakes the relay after every commit of its database, and, on the
 * HTTP transport (no NATS_URL), announces where it listens so producers can deliver to it. The
 * runtime closes before the server, so no delivery is taken while the database closes.
 */
export async function withEvents(server: SubgraphServer, options: SubgraphEventsOptions): Promise<SubgraphWithEvents> {
  const log = processLogger(`${options.name}-subgraph`);
  const handlers = options.handlers ?? [];
  const background = options.db.background();
  const runtime = await startEvents({
    name: options.name,
    app: server.app,
    db: background,
    config: options.config.events,
    producer: options.producer,
    handlers,
    subscribers: subscriberUrls(options.config.dataDir),
    schemas: eventSchemas(),
    log,
  });
  options.db.onCommit(() => runtime.wake());
  // What `npm run events` reads and replays, and the event series of `/metrics` (operations-routes.ts, event-metrics.ts).
  const operations = { name: options.name, db: background, runtime, producer: options.producer, handlers };
  const verifier = createInternalTokenVerifier(options.name, options.config.gatewayJwks ?? readGatewayJwks(process.env));
  registerEventRoutes(server.app, { ...operations, verifier });
  if (server.app.subgraphMetrics) registerEventMetrics(server.app.subgraphMetrics, operations);
  const announces = handlers.length > 0 && !options.config.events.natsUrl;
  return {
    app: server.app,
    events: runtime,
    async listen(port, host) {
      const url = await server.listen(port, host);
      if (announces) await announceSubscriber(options.config.dataDir, options.name, url);
      return url;
    },
    async close() {
      try {
        await runtime.close();
      } finally {
        await server.close();
      }
    },
  };
}
