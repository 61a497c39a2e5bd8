import { resolve } from 'node:path';
import { ConfigError, readOptionalString, type Env } from '../../../common/config.js';
import { PROJECT_ROOT, projectPath } from '../../../common/project-root.js';

/** Where the explorer's built assets are and whether it is served. */
export interface ExplorerConfig {
  /** `EXPLORER` (on | off). @default on in development, off in production */
  enabled: boolean;
  /** `EXPLORER_ASSETS_DIR`, else `<BIZGRAPH_BUILD_DIR>/explorer` when that build has one, else `.data/explorer` (what `npm start` and the tests build). */
  assetsDirs: string[];
}

/**
 * Reads `EXPLORER` and `EXPLORER_ASSETS_DIR`. Production serves the explorer only when asked to
 * (`EXPLORER=on`), and never mints development tokens (see routes.ts).
 */
export function readExplorerConfig(env: Env, production: boolean): ExplorerConfig {
  const raw = env.EXPLORER;
  if (raw !== undefined && raw !== '' && raw !== 'on' && raw !== 'off') throw new ConfigError('EXPLORER', `expected "on" or "off", got "${raw}"`);
  const enabled = raw === 'on' || ((raw === undefined || raw === '') && !production);
  const explicit = readOptionalString(env, 'EXPLORER_ASSETS_DIR');
  if (explicit) return { enabled, assetsDirs: [resolve(explicit)] };
  const buildDir = readOptionalString(env, 'BIZGRAPH_BUILD_DIR');
  return { enabled, assetsDirs: [...(buildDir ? [resolve(PROJECT_ROOT, buildDir, 'explorer')] : []), projectPath('.data/explorer')] };
}
