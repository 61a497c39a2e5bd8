import { REFERENCES, type ReferenceSpec } from './references.js';

/** Bad command-line input: printed with the usage, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const DEFAULT_URL = 'http://127.0.0.1:4000/graphql';
/** About 4 objects per record: 500 records cost ~2,000, well under the gateway's default 5,000. */
export const DEFAULT_PAGE_SIZE = 500;
/** The subgraphs' own page limit. */
const MAX_PAGE_SIZE = 1000;

export interface IntegrityArgs {
  url: string;
  /** A bearer token; unset → a dev-issuer token with the references' read scopes. */
  token?: string;
  /** Where the dev issuer's key lives; unset → BIZGRAPH_DATA_DIR, else `.data`. */
  dataDir?: string;
  format: 'table' | 'json';
  /** File for the Prometheus exposition text (node_exporter textfile collector). */
  prom?: string;
  pageSize: number;
  references: readonly ReferenceSpec[];
  failOnOrphans: boolean;
  /** Write the scan's operations as `.graphql` files there (for a safelist manifest) instead of scanning. */
  writeOperations?: string;
  help: boolean;
}

export const USAGE = `usage: npm run -s integrity -- [--url URL] [--token TOKEN | --data-dir DIR] [--format table|json]
                              [--prom FILE] [--page-size N] [--reference NAME ...] [--fail-on-orphans]
       npm run -s integrity -- --write-operations DIR [--reference NAME ...]
  --url URL          gateway GraphQL endpoint (default ${DEFAULT_URL})
  --token TOKEN      bearer token (default: a dev-issuer token with the read scopes the scan needs)
  --data-dir DIR     where the dev issuer's key lives (default BIZGRAPH_DATA_DIR, else .data)
  --format FORMAT    table (default) or json (every orphan key)
  --prom FILE        write Prometheus metrics there (node_exporter textfile collector)
  --page-size N      records per page, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})
  --reference NAME   check only this reference (repeatable): ${REFERENCES.map((reference) => reference.name).join(', ')}
  --fail-on-orphans  exit 3 when any orphan was found
  --write-operations DIR  write the scan's operations as .graphql files (for npm run persist) and exit
exit codes: 0 scan completed, 1 scan could not complete, 2 bad arguments, 3 orphans with --fail-on-orphans`;

const VALUE_FLAGS = ['--url', '--token', '--data-dir', '--format', '--prom', '--page-size', '--reference', '--write-operations'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];
const REPEATABLE = new Set<ValueFlag>(['--reference']);

function readUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--url: not a valid URL: "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url: expected http(s), got "${value}"`);
  return url.href;
}

function readPageSize(value: string): number {
  const size = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  if (!(size >= 1 && size <= MAX_PAGE_SIZE)) throw new UsageError(`--page-size: expected a whole number from 1 to ${MAX_PAGE_SIZE}, got "${value}"`);
  return size;
}

function readReferences(names: readonly string[], known: readonly ReferenceSpec[]): readonly ReferenceSpec[] {
  if (names.length === 0) return known;
  return names.map((name) => {
    const spec = known.find((reference) => reference.name === name);
    if (!spec) throw new UsageError(`--reference: unknown reference "${name}" (known: ${known.map((reference) => reference.name).join(', ')})`);
    return spec;
  });
}

/** Parses `argv` (after the script name); `--flag value` and `--flag=value` both work. */
export function parseArgs(argv: readonly string[], known: readonly ReferenceSpec[] = REFERENCES): IntegrityArgs {
  const values = new Map<ValueFlag, string[]>();
  let failOnOrphans = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--fail-on-orphans') {
      failOnOrphans = true;
      continue;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = equals > 0 ? arg.slice(0, equals) : arg;
    if (!(VALUE_FLAGS as readonly string[]).includes(name)) throw new UsageError(`unknown argument "${arg}"`);
    const flag = name as ValueFlag;
    const value = equals > 0 ? arg.slice(equals + 1) : argv[++i];
    if (value === undefined || value === '' || (equals < 0 && value.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
    if (values.has(flag) && !REPEATABLE.has(flag)) throw new UsageError(`${flag} given twice`);
    values.set(flag, [...(values.get(flag) ?? []), value]);
  }
  const one = (flag: ValueFlag) => values.get(flag)?.[0];
  const format = one('--format') ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format: expected table or json, got "${format}"`);
  if (one('--token') !== undefined && one('--data-dir') !== undefined) throw new UsageError('give --token or --data-dir, not both');
  const token = one('--token');
  const dataDir = one('--data-dir');
  const prom = one('--prom');
  const writeOperations = one('--write-operations');
  return {
    url: readUrl(one('--url') ?? DEFAULT_URL),
    ...(token !== undefined ? { token } : {}),
    ...(dataDir !== undefined ? { dataDir } : {}),
    format,
    ...(prom !== undefined ? { prom } : {}),
    pageSize: readPageSize(one('--page-size') ?? String(DEFAULT_PAGE_SIZE)),
    references: readReferences(values.get('--reference') ?? [], known),
    failOnOrphans,
    ...(writeOperations !== undefined ? { writeOperations } : {}),
    help,
  };
}
