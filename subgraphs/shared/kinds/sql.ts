import { processLogger } from '../../../common/logger.js';
import type { ErrorOrigin } from '../../../common/contracts/errors.js';
import type { SubgraphBaseConfig } from '../config.js';
import type { BaseContext } from '../context.js';
import { createProvenanceRecorder, provenancePlugin, type ProvenanceRecorder } from '../provenance.js';
import { createSubgraphServer, type SubgraphServer } from '../server.js';
import type { Database } from '../sql.js';
import { withEvents, type SubgraphEventsOptions } from './events.js';
import { readSchema } from './schema.js';

/** What the kind needs of a subgraph's one seam to its database (`db.ts`). */
export interface SystemDb {
  /** Resolves when the database answers; drives `/readyz`. */
  ping(): Promise<void>;
  /** Statements run since start or the last reset: the batching proof at `/debug/counters`. */
  statementCount(): number;
  resetStatementCount(): void;
  close(): Promise<void>;
}

/** What `open<Name>Db` found and did at start, besides the typed queries. */
export interface OpenedDb<Db extends SystemDb, Seeded extends object = object> {
  db: Db;
  kind: Database['kind'];
  /** Migration versions applied by this start (empty when the schema was current). */
  migrated: number[];
  /** Rows loaded by this start, or null when the database already had data. */
  seeded: Seeded | null;
  seedMs: number;
  /** The database itself, for a subgraph taking part in business events (its outbox and consumers' tables). */
  sql?: Database;
}

/** Per-request context of every SQL subgraph; `<Name>Context` in each `context.ts` names it. */
export interface SqlContext<Db, Loaders> extends BaseContext {
  db: Db;
  loaders: Loaders;
  /** Which system answered what in this request; records only when the gateway asks (`bizgraph-provenance`). */
  provenance: ProvenanceRecorder;
}

export interface SqlSubgraphOptions<Db extends SystemDb, Loaders> {
  /** Subgraph name as in schema/supergraph.yaml. */
  name: string;
  /** `new URL('./schema.graphql', import.meta.url)` of the subgraph. */
  schema: URL;
  resolvers: unknown;
  config: SubgraphBaseConfig;
  /** Stamped on errors and provenance. */
  origin: ErrorOrigin;
  /** Opens, migrates and (when empty) seeds the database; closed with the server, or when the start fails. */
  openDb(): Promise<OpenedDb<Db>>;
  createLoaders(db: Db, provenance: ProvenanceRecorder): Loaders;
  /** Business events this subgraph produces (`producer`: its source name) and consumes (`handlers`). */
  events?: Omit<SubgraphEventsOptions, 'name' | 'db' | 'config'> & { config: SubgraphEventsOptions['config'] };
}

/**
 * A subgraph over its own SQL database (PGlite or a PostgreSQL server): opening the database,
 * provenance, the statement counter and cleanup are wired here once, so each `server.ts` is one call.
 * Logs what the start found (migrations applied, rows seeded). Does not listen.
 */
export async function createSqlSubgraph<Db extends SystemDb, Loaders>(options: SqlSubgraphOptions<Db, Loaders>): Promise<SubgraphServer> {
  type Context = SqlContext<Db, Loaders>;
  const { db, kind, migrated, seeded, seedMs, sql } = await options.openDb();
  processLogger(`${options.name}-subgraph`).info({ kind, migrated, seeded, seedMs: seeded ? seedMs : undefined }, 'database ready');
  try {
    const server = await createSubgraphServer<Context>({
      name: options.name,
      origin: options.origin,
      typeDefs: readSchema(options.schema),
      resolvers: options.resolvers,
      production: options.config.production,
      createContext: (base) => {
        const provenance = createProvenanceRecorder(options.origin);
        return { ...base, db, provenance, loaders: options.createLoaders(db, provenance) };
      },
      plugins: [provenancePlugin<Context>()],
      checkReady: () => db.ping(),
      debugCounters: () => ({ sqlStatements: db.statementCount() }),
      resetDebugCounters: () => db.resetStatementCount(),
      onClose: () => db.close(),
    });
    if (!options.events) return server;
    if (!sql) throw new Error(`${options.name}: business events need the database itself (OpenedDb.sql)`);
    return await withEvents(server, { name: options.name, db: sql, ...options.events }).catch(async (error: unknown) => {
      await server.close();
      throw error;
    });
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
