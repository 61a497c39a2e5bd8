import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../common/project-root.js';

/**
 * Builds the explorer, the governance console and the executive report (`apps/explorer`: GraphiQL
 * and its editor, React, uPlot) with Vite into static files the gateway serves. Everything the page loads is bundled: no CDN. The build is skipped when the
 * sources and the lockfile are unchanged since the last one in `outDir` (a stamp file records their
 * hash): Monaco takes most of a minute to bundle on this machine.
 */
const SOURCE_DIR = join(PROJECT_ROOT, 'apps', 'explorer');
/** What the report bundles from outside the app: its typed operations and the safelist's texts of them. */
const BUNDLED_INPUTS = [join(PROJECT_ROOT, 'schema', 'operations'), join(PROJECT_ROOT, 'schema', 'persisted-operations.json')];
const STAMP = '.source-hash';

export interface ExplorerBuild {
  outDir: string;
  /** False when the last build was still current. */
  built: boolean;
  ms: number;
}

export async function buildExplorer(outDir: string): Promise<ExplorerBuild> {
  const started = Date.now();
  const hash = sourceHash();
  const stamp = join(outDir, STAMP);
  if (existsSync(join(outDir, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return { outDir, built: false, ms: Date.now() - started };
  // Vite is a build-time tool: loaded only when a build is needed.
  const { build } = await import('vite');
  // A Vite build sets NODE_ENV=production in this process's environment, which every process
  // started after it (npm start's subgraphs, the tests' stacks) would inherit: put it back.
  const environment = { ...process.env };
  try {
    await buildPages(build, outDir);
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in environment)) delete process.env[name];
    Object.assign(process.env, environment);
  }
  writeFileSync(stamp, hash);
  return { outDir, built: true, ms: Date.now() - started };
}

async function buildPages(build: typeof import('vite').build, outDir: string): Promise<void> {
  await build({
    root: SOURCE_DIR,
    base: '/explorer/',
    configFile: false,
    // Errors only: React's and framer-motion's "use client" directives warn on every build and mean nothing here.
    logLevel: 'error',
    // Three pages, one set of assets: the explorer (index.html), the governance console (console.html) and the report (report.html).
    build: {
      outDir,
      emptyOutDir: true,
      chunkSizeWarningLimit: 8000,
      reportCompressedSize: false,
      rollupOptions: { input: { explorer: join(SOURCE_DIR, 'index.html'), console: join(SOURCE_DIR, 'console.html'), report: join(SOURCE_DIR, 'report.html') } },
    },
    worker: { format: 'es' },
  });
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of [SOURCE_DIR, ...BUNDLED_INPUTS].flatMap(filesUnder).sort()) hash.update(file).update(readFileSync(file));
  hash.update(readFileSync(join(PROJECT_ROOT, 'package-lock.json')));
  return hash.digest('hex');
}

function filesUnder(dir: string): string[] {
  if (!statSync(dir).isDirectory()) return [dir];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
