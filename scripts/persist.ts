import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { buildManifest, ManifestBuildError } from '../gateway/src/persisted/build-manifest.js';
import { DEFAULT_MANIFEST } from '../gateway/src/persisted/config.js';

/**
 * `npm run -s persist -- DIR [--out PATH]`: builds the safelist manifest (PERSISTED_MANIFEST,
 * default schema/persisted-operations.json) from the `.graphql` files of DIR (not recursive).
 * Usage errors and refused operations go to stderr with exit code 2.
 */
const USAGE = 'usage: npm run -s persist -- DIR [--out PATH]';

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): { dir: string; out: string } {
  let dir: string | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--out' || arg.startsWith('--out=')) {
      const value = arg === '--out' ? argv[++i] : arg.slice('--out='.length);
      if (!value || out !== undefined) throw new UsageError('--out needs one path');
      out = value;
    } else if (arg.startsWith('--') || dir !== undefined) {
      throw new UsageError(`unexpected argument "${arg}"`);
    } else {
      dir = arg;
    }
  }
  if (dir === undefined) throw new UsageError('give the directory of .graphql files');
  return { dir: resolve(dir), out: out === undefined ? DEFAULT_MANIFEST : resolve(out) };
}

try {
  const { dir, out } = parseArgs(process.argv.slice(2));
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.graphql')).sort();
  } catch (error) {
    throw new UsageError(`cannot read ${dir}: ${(error as Error).message}`);
  }
  const manifest = buildManifest(names.map((name) => ({ path: join(dir, name), text: readFileSync(join(dir, name), 'utf8') })));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(manifest, null, 2)}\n`);
  console.error(`wrote ${manifest.operations.length} operations to ${out}`);
} catch (error) {
  if (!(error instanceof UsageError || error instanceof ManifestBuildError)) throw error;
  console.error(`persist: ${error.message}`);
  if (error instanceof UsageError) console.error(USAGE);
  process.exit(2);
}
