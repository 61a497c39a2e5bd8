import { prettyFactory } from 'pino-pretty';
import { ConfigError, type Env } from '../../common/config.js';

export type LogFormat = 'pretty' | 'json';

/** `LOG_FORMAT` for `npm start`: `pretty` or `json`; unset → pretty on a terminal, JSON otherwise. */
export function readLogFormat(env: Env, terminal: boolean): LogFormat {
  const raw = env.LOG_FORMAT;
  if (raw === undefined || raw === '') return terminal ? 'pretty' : 'json';
  if (raw === 'pretty' || raw === 'json') return raw;
  throw new ConfigError('LOG_FORMAT', `expected "pretty" or "json", got "${raw}"`);
}

/** Fields a request line's pretty summary already shows. */
const SUMMARISED = ['method', 'path', 'status', 'durationMs', 'operationName', 'outcome'] as const;

/**
 * Turns one line a child printed into what the supervisor shows: unchanged for `json` (and for any
 * line that is not a JSON log line), else `HH:MM:ss.l LEVEL: msg {other fields}` through
 * pino-pretty, with a request line summarised as `POST /graphql 200 12.3ms Op partial` and an
 * error's stack on the lines below.
 */
export function createLineFormatter(options: { format: LogFormat; color: boolean }): (line: string) => string {
  if (options.format === 'json') return (line) => line;
  const pretty = prettyFactory({ colorize: options.color, translateTime: 'SYS:HH:MM:ss.l', ignore: 'service', singleLine: true });
  return (line) => {
    if (!line.startsWith('{')) return line;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return line;
    }
    if (typeof entry.level !== 'string' || typeof entry.msg !== 'string') return line;
    if (entry.msg === 'request' && typeof entry.method === 'string') entry = summarise(entry);
    let stack = '';
    if (typeof entry.error === 'string' && entry.error.includes('\n')) {
      stack = `\n${entry.error.replace(/^/gm, '    ')}`;
      delete entry.error;
    }
    return `${pretty(entry).trimEnd()}${stack}`;
  };
}

function summarise(entry: Record<string, unknown>): Record<string, unknown> {
  const { method, path, status, durationMs, operationName, outcome } = entry;
  const rest = { ...entry };
  for (const key of SUMMARISED) delete rest[key];
  if (Array.isArray(rest.errorCodes) && rest.errorCodes.length === 0) delete rest.errorCodes;
  const parts = [method, path, status, `${String(durationMs)}ms`, operationName, outcome === 'ok' ? undefined : outcome].filter((part) => part !== undefined && part !== null);
  return { ...rest, msg: parts.join(' ') };
}
