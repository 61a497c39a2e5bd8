/**
 * The SQL contract shared by the subgraphs that own a database and the seeds of the systems
 * behind them: the one query shape both PGlite and `pg` answer, and a versioned migration.
 */
export interface Queryable {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/** A Queryable that can run work in one transaction (seeds, order creation). */
export interface TransactionalQueryable extends Queryable {
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
}
