import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadPolicy } from '../../gateway/src/authz/load.js';
import { buildCatalog } from './catalog/model.js';
import { renderCatalogJson, renderCatalogMarkdown } from './catalog/markdown.js';
import { OWNERS_PATH, readOwners } from './lib/owners.js';
import { projectPath } from '../../common/project-root.js';

/**
 * `npm run catalog`: writes schema/catalog.md and schema/catalog.json from the working tree's
 * composed supergraph and owners.yaml. `--check` writes nothing and exits 1 when either file
 * differs from what would be written, so CI catches a schema change whose catalog nobody refreshed.
 * Exit codes: 0 done / up to date, 1 stale, 2 bad usage or unreadable input.
 */
const SCHEMA_DIR = projectPath('schema');

export const USAGE = `usage: npm run catalog -- [--check] [--supergraph PATH] [--owners PATH] [--out-dir DIR]
  writes DIR/catalog.md and DIR/catalog.json (DIR defaults to schema/)
  --check  write nothing; exit 1 when either file is stale`;

export interface CatalogIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export function runCatalog(argv: readonly string[], io: CatalogIo): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { check: { type: 'boolean' }, supergraph: { type: 'string' }, owners: { type: 'string' }, 'out-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    io.err(`catalog: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const supergraphPath = resolve(values.supergraph ?? resolve(SCHEMA_DIR, 'supergraph.graphql'));
  const outDir = resolve(values['out-dir'] ?? SCHEMA_DIR);
  let files: { path: string; content: string }[];
  try {
    let sdl: string;
    try {
      sdl = readFileSync(supergraphPath, 'utf8');
    } catch (error) {
      throw new Error(`--supergraph: cannot read ${supergraphPath}: ${(error as Error).message}`);
    }
    const policy = loadPolicy(sdl, { location: supergraphPath, variable: '--supergraph' });
    const catalog = buildCatalog({ supergraphSdl: sdl, owners: readOwners(values.owners ? resolve(values.owners) : OWNERS_PATH), policy });
    files = [
      { path: resolve(outDir, 'catalog.md'), content: renderCatalogMarkdown(catalog) },
      { path: resolve(outDir, 'catalog.json'), content: renderCatalogJson(catalog) },
    ];
  } catch (error) {
    io.err(`catalog: ${(error as Error).message}\n`);
    return 2;
  }
  const shown = (path: string) => relative(process.cwd(), path) || path;
  if (values.check) {
    const stale = files.filter(({ path, content }) => readOrEmpty(path) !== content);
    if (stale.length > 0) {
      io.err(`${stale.map(({ path }) => shown(path)).join(' and ')} ${stale.length > 1 ? 'are' : 'is'} stale: run \`npm run catalog\` and commit the result\n`);
      return 1;
    }
    io.out(`${files.map(({ path }) => shown(path)).join(' and ')} are up to date\n`);
    return 0;
  }
  for (const { path, content } of files) writeFileSync(path, content);
  io.out(`wrote ${files.map(({ path, content }) => `${shown(path)} (${content.length} bytes)`).join(' and ')}\n`);
  return 0;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // a missing file counts as stale
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = runCatalog(process.argv.slice(2), { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) });
}
