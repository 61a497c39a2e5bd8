import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { prepareClusterDir } from './pglite-cluster.js';
import { traceStatement } from './tracing.js';

import type { Queryable } from '../../common/contracts/sql.js';

export type { Queryable };

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction; statements inside are counted too. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Calls `listener` after every committed transaction (the outbox relay publishes at once, not at its next poll). */
  onCommit(listener: () => void): void;
  /**
   * The same database for work outside client requests (the event relay and consumers): traced,
   * but not in `statementCount`, which proves how many statements a request's reads cost.
   */
  background(): Pick<Database, 'query' | 'exec' | 'transaction'>;
  /** Statements sent to the database since start (or the last reset): the batching proof. */
  statementCount(): number;
  resetStatementCount(): void;
  /** `SELECT 1`, not counted nor traced: readiness probes (every 2 s from each gateway) must not blur the batching proof. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `postgres://…` → a PostgreSQL server; unset → PGlite in `dataDir`. */
  url?: string;
  dataDir: string;
  /** Per-statement timeout on the server, so a stuck query cannot hold a request forever. */
  statementTimeoutMs?: number;
  poolSize?: number;
}

const INT8_OID = 20;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openPglite(options.dataDir);
}

/** Listeners told after each commit; one that throws does not undo the commit nor stop the others. */
function commitListeners() {
  const listeners: Array<() => void> = [];
  return {
    add: (listener: () => void) => void listeners.push(listener),
    notify() {
      for (const listener of listeners) {
        try {
          listener();
        } catch {
          // The commit happened; a listener's failure is its own (the relay still polls).
        }
      }
    },
  };
}

type RawQuery = (text: string, params?: unknown[]) => Promise<{ rows: unknown[] }>;

function counted(run: RawQuery, onStatement: () => void, engine: Database['kind']): Queryable['query'] {
  return <R>(text: string, params?: unknown[]) => {
    onStatement();
    return traceStatement(engine, text, () => run(text, params)) as Promise<{ rows: R[] }>;
  };
}

/**
 * Runs statements one per event-loop turn, in arrival order. PGlite runs each statement
 * synchronously in WebAssembly and hands the next queued one over in a microtask, so a queue of
 * statements (and each request's work on its rows) ran as one long turn in which no socket was
 * read: under load a subgraph answered in batches, and a request that arrived during one waited
 * out several (a benchmark (c) fetch waited 5.8 s for billing where the median waited 1.7 s).
 * Starting the next statement from `setImmediate` lets the loop read the requests that arrived
 * meanwhile, which then queue behind the ones already waiting.
 */
function oneStatementPerTurn(): <T>(run: () => Promise<T>) => Promise<T> {
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
  // Settles a turn after the last statement queued so far; a statement that fails (or throws) passes the turn on too.
  let queue: Promise<void> = Promise.resolve();
  return (run) => {
    const result = queue.then(run);
    queue = result.then(nextTurn, nextTurn);
    return result;
  };
}

/** The statements of one view of a database: counted (requests) or not (background work). */
type StatementView = Pick<Database, 'query' | 'exec' | 'transaction'>;

async function openPglite(dataDir: string): Promise<Database> {
  await prepareClusterDir(dataDir);
  mkdirSync(dataDir, { recursive: true });
  // int8 as number: amounts are cents and sums stay far below 2^53.
  const db = await PGlite.create(dataDir, { parsers: { [INT8_OID]: (value: string) => Number(value) } });
  const inTurn = oneStatementPerTurn();
  let statements = 0;
  const commits = commitListeners();
  const view = (onStatement: () => void): StatementView => ({
    query: counted((text, params) => inTurn(() => db.query(text, params)), onStatement, 'pglite'),
    exec: async (script) => {
      onStatement();
      await db.exec(script);
    },
    transaction: async (work) => {
      const result = await db.transaction((tx) =>
        work({
          query: counted((text, params) => tx.query(text, params), onStatement, 'pglite'),
          exec: async (script) => {
            onStatement();
            await tx.exec(script);
          },
        }),
      );
      commits.notify();
      return result;
    },
  });
  return {
    kind: 'pglite',
    ...view(() => void statements++),
    background: () => view(() => undefined),
    onCommit: commits.add,
    statementCount: () => statements,
    resetStatementCount: () => void (statements = 0),
    ping: async () => void (await db.query('SELECT 1')),
    close: () => db.close(),
  };
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const types = {
    getTypeParser: (oid: number, format?: string) => (oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')),
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
  });
  // A dropped idle connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  let statements = 0;
  const commits = commitListeners();
  const view = (onStatement: () => void): StatementView => ({
    query: counted((text, params) => pool.query(text, params), onStatement, 'postgres'),
    exec: async (script) => {
      onStatement();
      await pool.query(script);
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({
          query: counted((text, params) => client.query(text, params), onStatement, 'postgres'),
          exec: async (script) => {
            onStatement();
            await client.query(script);
          },
        });
        await client.query('COMMIT');
        commits.notify();
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  });
  return {
    kind: 'postgres',
    ...view(() => void statements++),
    background: () => view(() => undefined),
    onCommit: commits.add,
    statementCount: () => statements,
    resetStatementCount: () => void (statements = 0),
    ping: async () => void (await pool.query('SELECT 1')),
    close: () => pool.end(),
  };
}
