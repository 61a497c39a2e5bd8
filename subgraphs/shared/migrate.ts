import type { Database } from './sql.js';

import type { Migration } from '../../common/contracts/sql.js';

export type { Migration };

/**
 * Applies pending migrations in version order, each in its own transaction, recording them in
 * `schema_migrations`; a second run applies nothing. An advisory lock keeps two replicas that
 * start together against one PostgreSQL server from racing.
 */
export async function migrate(db: Database, migrations: readonly Migration[], lockKey: number): Promise<number[]> {
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const applied: number[] = [];
  for (const migration of ordered) {
    const didApply = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
      const { rows } = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (rows.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (didApply) applied.push(migration.version);
  }
  return applied;
}
