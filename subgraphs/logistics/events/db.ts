import { join } from 'node:path';
import { migrate } from '../../shared/migrate.js';
import { openDatabase, type Database } from '../../shared/sql.js';
import { LOGISTICS_MIGRATION_LOCK_KEY, LOGISTICS_MIGRATIONS } from '../migrations.js';

export interface LogisticsEventsDbOptions {
  /** `LOGISTICS_DATABASE_URL`; unset → PGlite under `<dataDir>/logistics/pgdata`. */
  databaseUrl: string | undefined;
  dataDir: string;
}

/** The PGlite directory inside the data dir, beside the carrier stand-in's own store. */
export const eventsPgliteDir = (dataDir: string) => join(dataDir, 'logistics', 'pgdata');

/** Opens and migrates the logistics events database; closed again if migrating fails. */
export async function openLogisticsEventsDb(options: LogisticsEventsDbOptions): Promise<{ db: Database; migrated: number[] }> {
  const db = await openDatabase({ url: options.databaseUrl, dataDir: eventsPgliteDir(options.dataDir), statementTimeoutMs: 5000, poolSize: 4 });
  try {
    return { db, migrated: await migrate(db, LOGISTICS_MIGRATIONS, LOGISTICS_MIGRATION_LOCK_KEY) };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
