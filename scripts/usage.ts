import { resolve } from 'node:path';
import { ConfigError } from '../common/config.js';
import { fieldReport, fieldSummaries, formatTable, parseCoordinate, parseSince, seenSince, type UsageQuery } from '../common/usage/report.js';
import { readUsage } from '../common/usage/store.js';

/**
 * `npm run -s usage -- [Type.field | Type] [--since 30d] [--format table|json] [--usage FILE]`:
 * who still reads a field, from the gateway's usage log (`--usage FILE`, else USAGE_DATABASE_URL,
 * else USAGE_LOG, else `.data/usage.json`). `Type.field`: the clients and operations that select it;
 * `Type`: every field of the type in use; nothing: every field in use, most used first.
 * Usage errors exit 2; an unreadable log exits 1.
 */
const USAGE = 'usage: npm run -s usage -- [Type.field | Type] [--since 30d|12h|2026-11-01] [--format table|json] [--usage FILE]';

class UsageError extends Error {}

interface Args {
  query: UsageQuery;
  since?: Date;
  sinceText?: string;
  format: 'table' | 'json';
  file?: string;
}

function parseArgs(argv: readonly string[], now: Date): Args {
  const args: Args = { query: { kind: 'all' }, format: 'table' };
  let positional: string | undefined;
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      if (positional !== undefined) throw new UsageError(`one coordinate at most, got "${positional}" and "${arg}"`);
      positional = arg;
      continue;
    }
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!['--since', '--format', '--usage'].includes(flag)) throw new UsageError(`unknown flag "${flag}"`);
    if (seen.has(flag)) throw new UsageError(`${flag} given twice`);
    seen.add(flag);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
    if (flag === '--since') {
      args.since = parseSince(value, now);
      if (!args.since) throw new UsageError(`--since: expected a duration like 90m, 12h, 30d, 2w or an ISO date, got "${value}"`);
      args.sinceText = value;
    } else if (flag === '--format') {
      if (value !== 'table' && value !== 'json') throw new UsageError(`--format: expected table or json, got "${value}"`);
      args.format = value;
    } else {
      args.file = resolve(value);
    }
  }
  if (positional !== undefined) {
    const query = parseCoordinate(positional);
    if (!query) throw new UsageError(`"${positional}" is not a schema coordinate: expected Type.field (e.g. Customer.phone) or Type`);
    args.query = query;
  }
  return args;
}

function render(args: Args, records: Awaited<ReturnType<typeof readUsage>>): string {
  const recent = seenSince(records, args.since);
  const since = args.since?.toISOString() ?? null;
  const window = args.sinceText ? ` (last seen within ${args.sinceText})` : '';
  if (args.query.kind === 'field') {
    const report = fieldReport(recent, args.query.coordinate);
    if (args.format === 'json') return JSON.stringify({ ...report, since }, null, 2);
    if (report.operations.length === 0) return `${report.coordinate}: no recorded use${window}`;
    const header = `${report.coordinate}: read by ${report.clients.length} client(s) through ${report.operations.length} operation(s)${window}`;
    const rows = report.operations.map((use) => [use.clientName, use.operationName ?? '(anonymous)', use.operationHash.slice(0, 12), String(use.count), use.lastSeen]);
    return `${header}\n\n${formatTable([['client', 'operation', 'hash', 'count', 'last seen'], ...rows])}`;
  }
  const type = args.query.kind === 'type' ? args.query.type : undefined;
  const fields = fieldSummaries(recent, type);
  if (args.format === 'json') return JSON.stringify({ ...(type === undefined ? {} : { type }), since, fields }, null, 2);
  if (fields.length === 0) return `${type === undefined ? 'no field' : `no field of ${type}`} has recorded use${window}`;
  const rows = fields.map((field) => [field.coordinate, String(field.count), String(field.operations), field.clients.join(', '), field.lastSeen]);
  return formatTable([['field', 'count', 'operations', 'clients', 'last seen'], ...rows]);
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
let args: Args;
try {
  args = parseArgs(process.argv.slice(2), new Date());
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`usage: ${error.message}`);
  console.error(USAGE);
  process.exit(2);
}
try {
  const records = await readUsage(args.file === undefined ? {} : { file: args.file });
  console.log(render(args, records));
} catch (error) {
  console.error(`usage: ${(error as Error).message}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
