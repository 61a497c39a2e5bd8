import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { readUsage } from '../../../common/usage/store.js';
import { readSupergraphConfig, type SubgraphEntry } from '../compose.js';
import { readOwners } from '../lib/owners.js';
import { baseRevision, committedFile, readBase } from './base.js';
import { readManifestOperations } from './consumers.js';
import { renderMarkdown, renderText } from './render.js';
import { runCheck } from './run.js';
import { readShareable } from './shareable.js';
import { projectPath } from '../../../common/project-root.js';

/**
 * `npm run schema:check -- --subgraph NAME [--schema FILE] | --all` with `--format text|markdown`,
 * `--manifest FILE`, `--usage FILE`, `--base FILE|REV`. Exit 0: pass (warnings allowed); 1: failing
 * findings; 2: usage error, the message naming the argument.
 *
 * The base is the committed supergraph (`git show HEAD:schema/supergraph.graphql`), not the working
 * tree's: `compose` and `new:subgraph` rewrite that file, so against it a change compared with itself
 * (a new subgraph showed "0 breaking, 0 dangerous, 0 safe").
 */
const SCHEMA_DIR = projectPath('schema');
const USAGE =
  'usage: npm run schema:check -- (--subgraph NAME [--schema FILE] | --all) [--format text|markdown] [--manifest FILE] [--usage FILE] [--base FILE|REV]\n  --base: a supergraph file, or a git revision whose schema/supergraph.graphql is the base (default HEAD)';
/** Stands in for the routing URL of a subgraph not yet in supergraph.yaml: composition needs one. */
const PLACEHOLDER_URL = 'http://unregistered.invalid/graphql';

class UsageError extends Error {}

interface Options {
  subgraph?: string;
  all: boolean;
  schema?: string;
  format: 'text' | 'markdown';
  manifest: string;
  usage?: string;
  /** A file, or a git revision; undefined: HEAD. */
  base?: string;
}

const VALUED = ['--subgraph', '--schema', '--format', '--manifest', '--usage', '--base'] as const;

export function parseArgs(argv: readonly string[]): Options {
  const values = new Map<string, string>();
  let all = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--all') {
      all = true;
      continue;
    }
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!(VALUED as readonly string[]).includes(flag!)) throw new UsageError(`unknown argument "${arg}"`);
    const value = inline ?? argv[++i];
    if (!value || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    if (values.has(flag!)) throw new UsageError(`${flag} given twice`);
    values.set(flag!, value);
  }
  const subgraph = values.get('--subgraph');
  if (all === (subgraph !== undefined)) throw new UsageError('give either --subgraph NAME or --all');
  if (all && values.has('--schema')) throw new UsageError('--schema goes with --subgraph, not --all');
  const format = values.get('--format') ?? 'text';
  if (format !== 'text' && format !== 'markdown') throw new UsageError(`--format must be "text" or "markdown", got "${format}"`);
  const path = (flag: string) => (values.has(flag) ? resolve(values.get(flag)!) : undefined);
  return {
    ...(subgraph ? { subgraph } : {}),
    all,
    ...(values.has('--schema') ? { schema: path('--schema') } : {}),
    format,
    manifest: path('--manifest') ?? resolve(SCHEMA_DIR, 'persisted-operations.json'),
    ...(values.has('--usage') ? { usage: path('--usage') } : {}),
    ...(values.has('--base') ? { base: values.get('--base')! } : {}),
  };
}

function readArgumentFile(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag} ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * What to compose: with --all, the working tree. With --subgraph NAME, NAME's working-tree SDL (or
 * --schema) and the other subgraphs as committed at the base revision, so another team's uncommitted
 * work does not show up as this team's change (a subgraph git does not know yet stays as it is).
 */
function subgraphsToCompose(options: Options): SubgraphEntry[] {
  const working = readSupergraphConfig();
  if (!options.subgraph) return working;
  const revision = baseRevision(options.base);
  const root = projectPath('.');
  const registered =
    revision === undefined
      ? working
      : working.map((entry) => (entry.name === options.subgraph ? entry : { ...entry, sdl: committedFile(revision, relative(root, entry.file)) ?? entry.sdl }));
  const known = registered.find((entry) => entry.name === options.subgraph);
  if (!known && !options.schema) {
    throw new UsageError(
      `--subgraph "${options.subgraph}" is not in schema/supergraph.yaml (known: ${registered.map((e) => e.name).join(', ')}); give --schema FILE to check a new subgraph`,
    );
  }
  if (!options.schema) return registered;
  const proposed = { name: options.subgraph, url: known?.url ?? PLACEHOLDER_URL, file: options.schema, sdl: readArgumentFile('--schema', options.schema) };
  return known ? registered.map((entry) => (entry.name === options.subgraph ? proposed : entry)) : [...registered, proposed];
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const subgraphs = subgraphsToCompose(options);
  const wrap = <T>(flag: string, read: () => T): T => {
    try {
      return read();
    } catch (error) {
      throw new UsageError(`${flag}: ${(error as Error).message}`);
    }
  };
  const manifest = wrap('--manifest', () => readManifestOperations(options.manifest));
  let usage;
  try {
    usage = await readUsage(options.usage ? { file: options.usage } : {});
  } catch (error) {
    throw new UsageError(`${options.usage ? '--usage' : 'usage log'}: ${(error as Error).message}`);
  }
  let owners;
  try {
    owners = readOwners();
  } catch (error) {
    owners = { error: (error as Error).message };
  }
  const report = await runCheck({
    subgraphs,
    ...(options.subgraph ? { focus: options.subgraph } : {}),
    baseSupergraphSdl: wrap('--base', () => readBase(options.base, (message) => console.error(`schema:check: ${message}`)).sdl),
    manifest,
    usage,
    shareable: wrap('schema/shareable.yaml', () => readShareable(resolve(SCHEMA_DIR, 'shareable.yaml'))),
    owners,
    today: new Date().toISOString().slice(0, 10),
  });
  process.stdout.write(options.format === 'markdown' ? renderMarkdown(report) : renderText(report));
  return report.errors > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (!(error instanceof UsageError)) throw error;
    console.error(`schema:check: ${error.message}\n${USAGE}`);
    process.exit(2);
  },
);
