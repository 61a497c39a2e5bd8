import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { buildManifest, ManifestBuildError, type OperationFile } from '../gateway/src/persisted/build-manifest.js';
import { DEFAULT_MANIFEST } from '../gateway/src/features/persisted/config.js';

/**
 * `npm run -s persist -- DIR [--out PATH] [--client NAME]`: builds the safelist manifest
 * (PERSISTED_MANIFEST, default schema/persisted-operations.json) from the `.graphql` files of DIR
 * and of its immediate subdirectories. A subdirectory's name is the client name of the operations
 * in it (schema:check names it as a consumer); files directly in DIR have none unless `--client`.
 * Usage errors and refused operations go to stderr with exit code 2.
 */
const USAGE = 'usage: npm run -s persist -- DIR [--out PATH] [--client NAME]';

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): { dir: string; out: string; client?: string } {
  let dir: string | undefined;
  let out: string | undefined;
  let client: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--client' || arg.startsWith('--client=')) {
      const value = arg === '--client' ? argv[++i] : arg.slice('--client='.length);
      if (!value || value.startsWith('--') || client !== undefined) throw new UsageError('--client needs one client name');
      client = value;
    } else if (arg === '--out' || arg.startsWith('--out=')) {
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
  return { dir: resolve(dir), out: out === undefined ? DEFAULT_MANIFEST : resolve(out), ...(client ? { client } : {}) };
}

try {
  const { dir, out, client } = parseArgs(process.argv.slice(2));
  const files: OperationFile[] = [];
  const collect = (from: string, clientName: string | undefined) => {
    for (const name of readdirSync(from)
      .filter((entry) => entry.endsWith('.graphql'))
      .sort()) {
      files.push({ path: join(from, name), text: readFileSync(join(from, name), 'utf8'), ...(clientName ? { clientName } : {}) });
    }
  };
  try {
    collect(dir, client);
    const clients = readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    for (const clientName of clients) collect(join(dir, clientName), clientName);
  } catch (error) {
    throw new UsageError(`cannot read ${dir}: ${(error as Error).message}`);
  }
  const manifest = buildManifest(files);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(manifest, null, 2)}\n`);
  console.error(`wrote ${manifest.operations.length} operations to ${out}`);
} catch (error) {
  if (!(error instanceof UsageError || error instanceof ManifestBuildError)) throw error;
  console.error(`persist: ${error.message}`);
  if (error instanceof UsageError) console.error(USAGE);
  process.exit(2);
}
