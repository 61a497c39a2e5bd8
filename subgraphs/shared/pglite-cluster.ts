import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * A fresh PGlite data dir starts with initdb: ~6 s of CPU, the longest part of starting the ERP or
 * billing subgraph on a new data dir (every test stack, `new:subgraph`, the benchmark). An
 * initialized empty cluster is the same bytes every time for one PGlite version, so it is built
 * once per version under the OS temp dir and a fresh data dir begins as a copy of it. A data dir
 * that already holds a cluster is never touched. `BIZGRAPH_PGLITE_TEMPLATE=off` always runs initdb.
 * `templateRoot` (default: the OS temp dir) is where the template lives.
 */
export async function prepareClusterDir(dataDir: string, templateRoot = tmpdir()): Promise<'existing' | 'copied' | 'initdb'> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return 'existing';
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) return 'existing'; // not ours to fill: let PGlite say what is wrong
  if (process.env.BIZGRAPH_PGLITE_TEMPLATE === 'off') return 'initdb';
  const template = await templateCluster(templateRoot);
  if (!template) return 'initdb';
  try {
    mkdirSync(dataDir, { recursive: true });
    cpSync(template, dataDir, { recursive: true });
    return 'copied';
  } catch {
    // The template vanished mid-copy (a temp cleaner, a concurrent rebuild): initdb as before.
    rmSync(dataDir, { recursive: true, force: true });
    return 'initdb';
  }
}

/** The template's directory, or undefined when it cannot be built; a damaged one is set aside and rebuilt. */
async function templateCluster(root: string): Promise<string | undefined> {
  const template = join(root, `bizgraph-pglite-cluster-${pgliteVersion()}`);
  const manifest = `${template}.files.json`;
  if (existsSync(template)) {
    if (isIntact(template, manifest)) return template;
    // Temp cleaners delete old files one by one: never copy a cluster with pieces missing.
    const stale = `${template}-stale-${process.pid}`;
    try {
      renameSync(template, stale);
      rmSync(stale, { recursive: true, force: true });
    } catch {
      return undefined; // another process is replacing it; this start runs initdb
    }
  }
  // Built beside the final name and renamed into place, so a reader never sees half a cluster;
  // when two processes build at once, the first rename wins and the other drops its copy.
  let building: string | undefined;
  try {
    mkdirSync(root, { recursive: true });
    building = mkdtempSync(`${template}-building-`);
    const db = await PGlite.create(building);
    await db.close();
    writeFileSync(manifest, JSON.stringify(filesOf(building)));
    renameSync(building, template);
  } catch {
    if (building) rmSync(building, { recursive: true, force: true });
  }
  return isIntact(template, manifest) ? template : undefined;
}

/** Every file of the cluster with its size, as recorded when it was built. */
function isIntact(template: string, manifest: string): boolean {
  try {
    const expected = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, number>;
    return Object.keys(expected).length > 0 && JSON.stringify(filesOf(template)) === JSON.stringify(expected);
  } catch {
    return false;
  }
}

function filesOf(root: string): Record<string, number> {
  const files: Record<string, number> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[relative(root, path)] = statSync(path).size;
    }
  };
  walk(root);
  return files;
}

function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite'); // <package>/dist/index.cjs
  const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}
