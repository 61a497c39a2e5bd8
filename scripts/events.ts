import { ConfigError } from '../common/config.js';
import { nearestName } from '../common/nearest-name.js';
import type { DeadLetter, OutboxEntry, ReplayResult } from '../subgraphs/shared/events/event-records.js';
import type { EventStats } from '../subgraphs/shared/events/operations.js';
import { callSubgraph, operatorCredentials, readEventTargets, SubgraphCallError, type EventsTarget, type OperatorCredentials } from './lib/events-client.js';
import { mergeTail, renderDead, renderReplay, renderStats, renderTailLine, replayFailed, statsReport, type DeadRow, type ReplayRow, type TailRow } from './lib/events-report.js';

/**
 * `npm run -s events -- stats|dead|tail|replay …`: business events across the subgraphs that take
 * part (issue 17), through their `/events/*` routes (each one's database is held by its process).
 * Exit codes: 0 ok, 1 a subgraph failed or a replay failed, 2 a usage or configuration error.
 */
const USAGE = `usage: npm run -s events -- COMMAND [--json]
  stats                          counts per event type and consumer, lag per consumer, oldest unpublished outbox row
  dead [--all]                   dead letters with their last error (--all: replayed ones too)
  tail [--limit N] [--follow]    the last N outbox events of every producer, newest last; --follow keeps printing new ones
  replay EVENT_ID [--consumer C] replays one dead letter (every consumer that parked it, or only C)
  replay --all-dead              replays every dead letter not yet replayed
environment: SUBGRAPH_<NAME>_URL (default: routing_url of schema/supergraph.yaml), BIZGRAPH_DATA_DIR (development key),
  GATEWAY_SIGNING_KEY_FILE (the gateway's internal-token key; required with NODE_ENV=production)`;

const COMMANDS = ['stats', 'dead', 'tail', 'replay'] as const;
type Command = (typeof COMMANDS)[number];
const FLAGS: Record<Command, readonly string[]> = {
  stats: ['--json'],
  dead: ['--json', '--all'],
  tail: ['--json', '--follow', '--limit'],
  replay: ['--json', '--all-dead', '--consumer'],
};
const VALUED = new Set(['--limit', '--consumer']);

class UsageError extends Error {}

interface Args {
  command: Command;
  json: boolean;
  all: boolean;
  follow: boolean;
  limit: number;
  allDead: boolean;
  consumer?: string;
  eventId?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function suggest(typed: string, known: readonly string[]): string {
  const near = nearestName(typed, known);
  return near ? ` (did you mean "${near}"?)` : '';
}

function parseArgs(argv: readonly string[]): Args {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('missing command');
  if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command "${command}"${suggest(command, COMMANDS)}`);
  const args: Args = { command: command as Command, json: false, all: false, follow: false, limit: 20, allDead: false };
  const flags = FLAGS[args.command];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) {
      if (args.command !== 'replay' || args.eventId !== undefined) throw new UsageError(`unexpected argument "${arg}"`);
      if (!UUID.test(arg)) throw new UsageError(`"${arg}" is not an event id (a UUID, as \`events -- dead\` lists them)`);
      args.eventId = arg.toLowerCase();
      continue;
    }
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!flags.includes(flag)) throw new UsageError(`unknown flag "${flag}" for ${args.command}${suggest(flag, flags)}`);
    let value: string | undefined;
    if (VALUED.has(flag)) {
      value = inline ?? rest[++i];
      if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    } else if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
    if (flag === '--json') args.json = true;
    else if (flag === '--all') args.all = true;
    else if (flag === '--follow') args.follow = true;
    else if (flag === '--all-dead') args.allDead = true;
    else if (flag === '--consumer') args.consumer = value;
    else if (flag === '--limit') {
      args.limit = Number(value);
      if (!Number.isInteger(args.limit) || args.limit < 1 || args.limit > 1000) throw new UsageError(`--limit: expected an integer from 1 to 1000, got "${value}"`);
    }
  }
  if (args.command === 'replay' && args.allDead === (args.eventId !== undefined)) throw new UsageError('replay needs one EVENT_ID or --all-dead');
  return args;
}

interface Context {
  targets: EventsTarget[];
  credentials: OperatorCredentials;
}
const READ = ['ops:read'];
const WRITE = ['ops:read', 'ops:write'];

/** Every target's answer, or its error: one subgraph down still shows the others. */
async function each<T>(context: Context, scopes: readonly string[], path: string, body?: Record<string, unknown>) {
  return Promise.all(
    context.targets.map(async (target) => {
      try {
        return { subgraph: target.name, value: await callSubgraph<T>(target, context.credentials, scopes, path, body) };
      } catch (error) {
        if (!(error instanceof SubgraphCallError)) throw error;
        return { subgraph: target.name, error: error.message };
      }
    }),
  );
}

const errorsOf = (answers: ReadonlyArray<{ subgraph: string; error?: string }>) =>
  answers.flatMap((answer) => (answer.error === undefined ? [] : [{ subgraph: answer.subgraph, error: answer.error }]));
const valuesOf = <T>(answers: ReadonlyArray<{ value?: T }>) => answers.flatMap((answer) => (answer.value === undefined ? [] : [answer.value]));

async function stats(context: Context, args: Args): Promise<number> {
  const answers = await each<EventStats>(context, READ, '/events/stats');
  const report = statsReport(valuesOf(answers), errorsOf(answers));
  console.log(args.json ? JSON.stringify(report, null, 2) : renderStats(report));
  if (!args.json) for (const error of report.errors) console.error(`error: ${error.error}`);
  return report.errors.length ? 1 : 0;
}

async function dead(context: Context, args: Args): Promise<number> {
  const answers = await each<{ subgraph: string; deadLetters: DeadLetter[] }>(context, READ, `/events/dead${args.all ? '?all=1' : ''}`);
  const rows: DeadRow[] = valuesOf(answers).flatMap((answer) => answer.deadLetters.map((letter) => ({ subgraph: answer.subgraph, ...letter })));
  const errors = errorsOf(answers);
  console.log(args.json ? JSON.stringify({ deadLetters: rows, errors }, null, 2) : renderDead(rows));
  for (const error of errors) console.error(`error: ${error.error}`);
  return errors.length ? 1 : 0;
}

async function tail(context: Context, args: Args): Promise<number> {
  const after = new Map<string, number>();
  const print = (rows: TailRow[]) => {
    for (const row of mergeTail(rows)) {
      after.set(row.subgraph, Math.max(after.get(row.subgraph) ?? 0, row.seq));
      console.log(args.json ? JSON.stringify(row) : renderTailLine(row));
    }
  };
  const round = async (first: boolean) => {
    const answers = await Promise.all(
      context.targets.map(async (target) => {
        const path = first ? `/events/outbox?limit=${args.limit}` : `/events/outbox?after=${after.get(target.name) ?? 0}&limit=1000`;
        try {
          const answer = await callSubgraph<{ events: OutboxEntry[] }>(target, context.credentials, READ, path);
          return { subgraph: target.name, value: answer.events.map((event) => ({ subgraph: target.name, ...event })) };
        } catch (error) {
          if (!(error instanceof SubgraphCallError)) throw error;
          return { subgraph: target.name, error: error.message };
        }
      }),
    );
    // The last N across every producer: each sent its last N, so the merge keeps the newest N.
    const rows = mergeTail(valuesOf(answers).flat());
    print(first ? rows.slice(-args.limit) : rows);
    for (const error of errorsOf(answers)) console.error(`error: ${error.error}`);
    return errorsOf(answers).length;
  };
  const failed = await round(true);
  if (!args.follow) return failed ? 1 : 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await round(false);
  }
}

async function replay(context: Context, args: Args): Promise<number> {
  const body = args.allDead ? { all: true, consumer: args.consumer } : { eventId: args.eventId, consumer: args.consumer };
  const answers = await each<{ subgraph: string; results: ReplayResult[] }>(context, WRITE, '/events/replay', body);
  const rows: ReplayRow[] = valuesOf(answers).flatMap((answer) => answer.results.map((result) => ({ subgraph: answer.subgraph, ...result })));
  const errors = errorsOf(answers);
  if (args.json) console.log(JSON.stringify({ results: rows, errors }, null, 2));
  else if (rows.length > 0) console.log(renderReplay(rows));
  else if (errors.length === 0)
    console.log(args.allDead ? 'no dead letters to replay' : `no dead letter for event ${args.eventId}${args.consumer ? ` and consumer ${args.consumer}` : ''}`);
  for (const error of errors) console.error(`error: ${error.error}`);
  const notFound = !args.allDead && rows.length === 0;
  return errors.length > 0 || replayFailed(rows) || notFound ? 1 : 0;
}

const RUN: Record<Command, (context: Context, args: Args) => Promise<number>> = { stats, dead, tail, replay };

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let args: Args;
  let context: Context;
  try {
    args = parseArgs(argv);
    context = { targets: readEventTargets(process.env), credentials: operatorCredentials(process.env) };
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof ConfigError)) throw error;
    console.error(`events: ${error.message}`);
    if (error instanceof UsageError) console.error(USAGE);
    return 2;
  }
  return RUN[args.command](context, args);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`events: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
