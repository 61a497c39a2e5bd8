import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError, readInt, readOptionalString, readOptionalUrl, readString, type Env } from '../config.js';

/** Where the usage log is kept. */
export type UsageStoreConfig =
  | { kind: 'off' }
  /** A JSON file, merged into on every flush (one writer at a time: see `file-store.ts`). */
  | { kind: 'file'; path: string }
  /** Table `bizgraph_usage` on a PostgreSQL server, shared safely by every replica. */
  | { kind: 'postgres'; url: string };

export interface UsageConfig {
  /** `USAGE_DATABASE_URL`, else `USAGE_LOG` (path or `off`). @default `<BIZGRAPH_DATA_DIR>/usage.json` */
  store: UsageStoreConfig;
  /** `USAGE_FLUSH_INTERVAL_MS`: how often the gateway writes its counts. @default 10000 (min 100) */
  flushIntervalMs: number;
}

/** Reads `USAGE_LOG`, `USAGE_DATABASE_URL` and `USAGE_FLUSH_INTERVAL_MS`; a bad value throws `ConfigError` naming it. */
export function readUsageConfig(env: Env): UsageConfig {
  return { store: readUsageStore(env), flushIntervalMs: readInt(env, 'USAGE_FLUSH_INTERVAL_MS', 10_000, { min: 100, max: 86_400_000 }) };
}

/** The store alone: `readUsage()` and `npm run usage` follow it without needing a flush interval. */
export function readUsageStore(env: Env): UsageStoreConfig {
  const databaseUrl = readOptionalUrl(env, 'USAGE_DATABASE_URL', ['postgres:', 'postgresql:']);
  const log = readOptionalString(env, 'USAGE_LOG')?.trim();
  if (databaseUrl !== undefined) {
    // Two stores would split the counts; one of them must win visibly, not silently.
    if (log) throw new ConfigError('USAGE_LOG', `cannot be combined with USAGE_DATABASE_URL (unset one of them)`);
    return { kind: 'postgres', url: databaseUrl };
  }
  if (log === 'off') return { kind: 'off' };
  if (log) return { kind: 'file', path: isAbsolute(log) ? log : resolve(log) };
  return { kind: 'file', path: resolve(join(readString(env, 'BIZGRAPH_DATA_DIR', '.data'), 'usage.json')) };
}
