import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * A fresh PGlite data dir starts with initdb: ~6 s of CPU, the longest part of starting the ERP or
 * billing subgraph on a new data dir (every test stack, `new:subgraph`, the benchmark). An
 * initialized empty cluster is the same bytes every time for one PGlite version, so it is built
 * once per version under the OS temp dir and a fresh data dir begins as a copy of it. A data dir
 * that already holds a cluster is never touched. `BIZGRAPH_PGLITE_TEMPLATE=off` always runs initdb.
 */
export async function prepareClusterDir(dataDir: string): Promise<'existing' | 'copied' | 'initdb'> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return 'existing';
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) return 'existing'; // not ours to fill: let PGlite say what is wrong
  if (process.env.BIZGRAPH_PGLITE_TEMPLATE === 'off') return 'initdb';
  const template = await templateCluster();
  mkdirSync(dataDir, { recursive: true });
  cpSync(template, dataDir, { recursive: true });
  return 'copied';
}

async function templateCluster(): Promise<string> {
  const template = join(tmpdir(), `bizgraph-pglite-cluster-${pgliteVersion()}`);
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  // Built beside the final name and renamed into place, so a reader never sees half a cluster;
  // when two processes build at once, the first rename wins and the other drops its copy.
  const building = mkdtempSync(`${template}-building-`);
  try {
    const db = await PGlite.create(building);
    await db.close();
    renameSync(building, template);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    if (!existsSync(join(template, 'PG_VERSION'))) throw error;
  }
  return template;
}

function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite'); // <package>/dist/index.cjs
  const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}
