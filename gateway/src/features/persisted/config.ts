import { isAbsolute, resolve } from 'node:path';
import { projectPath } from '../../../../common/project-root.js';
import { ConfigError, readOptionalString, readOptionalUrl, readString, type Env } from '../../../../common/config.js';

/** Where `npm run persist` writes by default and the gateway reads by default. */
export const DEFAULT_MANIFEST = projectPath('schema/persisted-operations.json');

/** `off`: no persisted queries at all; `apq`: automatic persisted queries; `safelist`: only the manifest's operations. */
export type PersistedMode = 'off' | 'apq' | 'safelist';
const MODES: readonly PersistedMode[] = ['off', 'apq', 'safelist'];

export interface PersistedConfig {
  /** `PERSISTED_OPERATIONS`. @default 'apq' (production should use 'safelist') */
  mode: PersistedMode;
  /** `PERSISTED_MANIFEST`: absolute path of the manifest (read only in safelist mode). @default schema/persisted-operations.json */
  manifestPath: string;
  /** `REDIS_URL`: APQ store shared by every replica; unset = in memory, per process. */
  redisUrl: string | undefined;
  /** Deadline of one APQ cache call; a slower store is treated as a miss (get) or skipped (set). @default 200 */
  cacheTimeoutMs: number;
  /**
   * How long a registered APQ text is kept (seconds). An hour: a client that finds its hash gone
   * resends the text once, while junk registered by one caller stays for an hour, not a day. @default 3600
   */
  apqTtlSeconds: number;
}

export function readPersistedConfig(env: Env): PersistedConfig {
  const mode = readString(env, 'PERSISTED_OPERATIONS', 'apq') as PersistedMode;
  if (!MODES.includes(mode)) throw new ConfigError('PERSISTED_OPERATIONS', `expected "off", "apq" or "safelist", got "${mode}"`);
  const manifest = readOptionalString(env, 'PERSISTED_MANIFEST');
  return {
    mode,
    // A given path is relative to the cwd (like --supergraph); the default to the project root.
    manifestPath: manifest === undefined ? DEFAULT_MANIFEST : isAbsolute(manifest) ? manifest : resolve(process.cwd(), manifest),
    redisUrl: readOptionalUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    cacheTimeoutMs: 200,
    apqTtlSeconds: 3600,
  };
}
