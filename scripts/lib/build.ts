import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../../common/project-root.js';

/** Where the processes' code lives; tests, benchmarks and dev-only configs are not built. */
export const BUILT_DIRS = ['common', 'gateway', 'subgraphs', 'systems', 'schema', 'scripts'] as const;
const SKIPPED_NAMES = new Set(['node_modules', '.data', 'dist', '__tests__']);

export interface BuildResult {
  outDir: string;
  modules: number;
  assets: number;
  ms: number;
}

/**
 * Compiles every module of BUILT_DIRS to JavaScript under `outDir` (same relative paths, `.ts` →
 * `.js`) and copies what code reads beside itself (a subgraph's `schema.graphql`, scaffold templates). Each file is
 * transpiled on its own, exactly as `tsx` does in development (`isolatedModules` guarantees that is
 * sound); types are checked by `npm run typecheck`, not here. The build holds no `package.json`,
 * so a built module finds the project root (and its live `schema/`, `.data/`) above itself.
 * `extraDirs` adds more (the test run builds its fixture servers too).
 */
export async function buildProject(outDir: string, extraDirs: readonly string[] = []): Promise<BuildResult> {
  const started = Date.now();
  const modules: string[] = [];
  const assets: string[] = [];
  // schema/'s own files (supergraph, owners, manifest) are data read from the project root, not copied.
  for (const dir of [...BUILT_DIRS, ...extraDirs]) collect(join(PROJECT_ROOT, dir), modules, dir === 'schema' ? [] : assets);
  rmSync(outDir, { recursive: true, force: true });
  await build({
    entryPoints: modules,
    outdir: outDir,
    outbase: PROJECT_ROOT,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    sourcemap: 'linked',
    logLevel: 'error',
  });
  for (const asset of assets) {
    const target = join(outDir, relative(PROJECT_ROOT, asset));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(asset, target);
  }
  writeFileSync(join(outDir, 'BUILD.json'), `${JSON.stringify({ builtAt: new Date().toISOString(), root: PROJECT_ROOT, modules: modules.length }, null, 2)}\n`);
  return { outDir, modules: modules.length, assets: assets.length, ms: Date.now() - started };
}

function collect(dir: string, modules: string[], assets: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED_NAMES.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) collect(path, modules, assets);
    else if (entry.name.endsWith('.test.ts')) continue;
    else if (entry.name.endsWith('.ts')) modules.push(path);
    else assets.push(path);
  }
}
