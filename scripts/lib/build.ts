import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { PROJECT_ROOT } from '../../common/project-root.js';

/** Where the processes' code lives; tests, benchmarks and dev-only configs are not built. */
export const BUILT_DIRS = ['common', 'gateway', 'subgraphs', 'systems', 'schema', 'scripts'] as const;
const SKIPPED_NAMES = new Set(['node_modules', '.data', 'dist', '__tests__']);
/** The long-running processes: the gateway, each subgraph and each system stand-in. */
const SERVICE_ENTRY = /^(gateway\/src|subgraphs\/[^/]+|systems\/[^/]+)\/main\.ts$/;
/**
 * Packages a service bundle leaves to Node's resolver because they find files beside their own
 * modules, which a bundle would move: PGlite its WebAssembly and data files, pino its transport workers.
 */
export const UNBUNDLED_PACKAGES = ['@electric-sql/pglite', 'pino'];

export interface BuildOptions {
  /** More directories to compile (the test run's fixture servers, the benchmark). */
  extraDirs?: readonly string[];
  /** More service entries to bundle, relative to the project root (a fixture server, the baseline gateway). */
  extraServices?: readonly string[];
}

export interface BuildResult {
  outDir: string;
  modules: number;
  assets: number;
  /** Service entries bundled (see `bundleServices`). */
  services: number;
  ms: number;
}

/**
 * Compiles every module of BUILT_DIRS to JavaScript under `outDir` (same relative paths, `.ts` →
 * `.js`) and copies what code reads beside itself (a subgraph's `schema.graphql`, scaffold templates). Each file is
 * transpiled on its own, exactly as `tsx` does in development (`isolatedModules` guarantees that is
 * sound); types are checked by `npm run typecheck`, not here. The build holds no `package.json`,
 * so a built module finds the project root (and its live `schema/`, `.data/`) above itself.
 * Service entries are then bundled over their transpiled copies (`bundleServices`).
 */
export async function buildProject(outDir: string, options: BuildOptions = {}): Promise<BuildResult> {
  const started = Date.now();
  const modules: string[] = [];
  const assets: string[] = [];
  // schema/'s own files (supergraph, owners, manifest) are data read from the project root, not copied.
  for (const dir of [...BUILT_DIRS, ...(options.extraDirs ?? [])]) collect(join(PROJECT_ROOT, dir), modules, dir === 'schema' ? [] : assets);
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
  const services = [...modules.map((path) => relative(PROJECT_ROOT, path)).filter((path) => SERVICE_ENTRY.test(path)), ...(options.extraServices ?? [])];
  await bundleServices(outDir, services);
  writeFileSync(join(outDir, 'BUILD.json'), `${JSON.stringify({ builtAt: new Date().toISOString(), root: PROJECT_ROOT, modules: modules.length, services }, null, 2)}\n`);
  return { outDir, modules: modules.length, assets: assets.length, services: services.length, ms: Date.now() - started };
}

/**
 * Each service entry becomes one module holding its code and its packages (code shared between
 * services in common chunks under `chunks/`), written where its transpiled copy was, so files it
 * reads beside itself (a subgraph's schema) are still there. A service then starts by reading a
 * handful of files instead of resolving and reading ~3,000 (the gateway: 0.9 s of CPU instead of
 * 1.5 s on this machine), which every test stack, restart and replica pays.
 */
async function bundleServices(outDir: string, services: readonly string[]): Promise<void> {
  if (services.length === 0) return;
  await build({
    entryPoints: services.map((path) => join(PROJECT_ROOT, path)),
    outdir: outDir,
    outbase: PROJECT_ROOT,
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: true,
    splitting: true,
    external: UNBUNDLED_PACKAGES,
    // CommonJS packages inside an ES module bundle still call require() for Node's built-ins.
    banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module';\nconst require = __bundleCreateRequire(import.meta.url);" },
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'error',
    plugins: [nativeCreateHash],
  });
}

/**
 * `@apollo/utils.createhash` (Apollo Server's query hash, APQ) uses Node's crypto only when
 * `module.require` exists, which a bundle's CommonJS wrapper lacks: bundled, every request's
 * query was hashed by `sha.js` in JavaScript (~1.5 % of the gateway's CPU). In the bundle it is
 * Node's crypto, as it is unbundled.
 */
const nativeCreateHash: Plugin = {
  name: 'native-create-hash',
  setup(build) {
    build.onLoad({ filter: /[\\/]@apollo[\\/]utils\.createhash[\\/]dist[\\/]index\.js$/ }, () => ({
      contents: "'use strict';\nconst { createHash } = require('node:crypto');\nexports.createHash = (kind) => createHash(kind);\n",
      loader: 'js',
    }));
  },
};

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
