import { readUsageStore, type UsageStoreConfig } from './config.js';
import { readUsageFile, usageFileWriter } from './file-store.js';
import { openPostgresUsageStore, readPostgresUsage } from './postgres-store.js';
import type { UsageRecord } from './types.js';

/** Where aggregated usage goes: a write adds counts to what is stored. */
export interface UsageStore {
  /** Human-readable target for logs (a path, or the database without credentials). */
  describe: string;
  write(records: readonly UsageRecord[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The recorded usage, for `schema:check` and `npm run usage`: from `options.databaseUrl`, else
 * `options.file`, else the environment (`USAGE_DATABASE_URL`, else `USAGE_LOG`, else
 * `<BIZGRAPH_DATA_DIR>/usage.json`). A missing file or table, or `USAGE_LOG=off`, reads as `[]`.
 * Throws a ConfigError naming the variable for a bad setting, and an Error naming a malformed file.
 */
export async function readUsage(options: { file?: string; databaseUrl?: string } = {}): Promise<UsageRecord[]> {
  if (options.databaseUrl !== undefined) return readPostgresUsage(options.databaseUrl);
  if (options.file !== undefined) return readUsageFile(options.file);
  return (await readUsageFrom(readUsageStore(process.env))) ?? [];
}

/** The records of one configured store (the gateway's own, for the console); null for `off`. */
export async function readUsageFrom(store: UsageStoreConfig): Promise<UsageRecord[] | null> {
  if (store.kind === 'postgres') return readPostgresUsage(store.url);
  if (store.kind === 'file') return readUsageFile(store.path);
  return null;
}

/** The gateway's store for a configuration other than `off`. */
export function openUsageStore(config: Exclude<UsageStoreConfig, { kind: 'off' }>, onBackgroundError: (error: Error) => void): UsageStore {
  if (config.kind === 'file') {
    // One writer for the store's life: it remembers what it wrote, so an unchanged file is not parsed each flush.
    return { describe: config.path, write: usageFileWriter(config.path), close: async () => {} };
  }
  const store = openPostgresUsageStore(config.url, onBackgroundError);
  return { describe: withoutCredentials(config.url), write: (records) => store.write(records), close: () => store.close() };
}

function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}
