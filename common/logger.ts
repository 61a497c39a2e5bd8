import pino, { type DestinationStream, type Logger } from 'pino';
import { ConfigError, type Env } from './config.js';
import { currentTraceId } from './trace-id.js';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Keys whose values never reach a log line, at the top level and one level down (`headers.*`,
 * `config.*`): credentials that a careless `log.info({ headers })` would otherwise print.
 */
const SECRET_KEYS = ['authorization', 'cookie', '"set-cookie"', 'token', 'accessToken', 'refreshToken', 'idToken', 'password', 'apiKey', 'secret', '"x-api-key"'];
export const REDACTED_PATHS = SECRET_KEYS.flatMap((key) => (key.startsWith('"') ? [`[${key}]`, `*[${key}]`] : [key, `*.${key}`]));
export const REDACTED = '[redacted]';

/** `LOG_LEVEL` (default `info`), validated: a typo must not silently hide or flood the logs. */
export function readLogLevel(env: Env): LogLevel {
  const raw = env.LOG_LEVEL;
  if (raw === undefined || raw === '') return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(raw)) return raw as LogLevel;
  throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
}

export interface LoggerOptions {
  /** @default process.env */
  env?: Env;
  /** Where lines go. @default stdout, each turn's lines in one synchronous write (`stdoutLines`) */
  destination?: DestinationStream;
  /**
   * `false` for lines built only from fields that cannot hold credentials (the request line):
   * no redaction pass and no trace-id lookup, which every request would otherwise pay. @default true
   */
  redact?: boolean;
}

/**
 * A pino logger for one process: one JSON line per event on stdout with `level` (its label),
 * `time` (ISO 8601), `service`, `msg`, the active span's `traceId` when there is one, and the
 * caller's fields (`requestId`, …); credentials are redacted (`REDACTED_PATHS`).
 *
 * Lines go to stdout through `stdoutLines`: written at the end of the event-loop turn that logged
 * them, all together, and flushed on exit. Throws a ConfigError naming LOG_LEVEL for a bad level.
 */
export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  const level = readLogLevel(options.env ?? process.env);
  const checked =
    options.redact === false
      ? {}
      : {
          // Fields the caller passes win over the mixin's (a request line may carry the trace id it captured).
          mixin() {
            const traceId = currentTraceId();
            return traceId === undefined ? {} : { traceId };
          },
          redact: { paths: REDACTED_PATHS, censor: REDACTED },
        };
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      ...checked,
    },
    options.destination ?? stdoutLines,
  );
}

/**
 * stdout for log lines: the lines of one event-loop turn are joined and written once at its end,
 * synchronously, and whatever is pending is written when the process exits (runService exits with
 * `process.exit` right after its last line, "shutting down" or a fatal start-up error). One write
 * per line cost a system call per line, several per request.
 */
export const stdoutLines: DestinationStream & { flush(): void } = ((globalThis as Record<symbol, unknown>)[Symbol.for('bizgraph.stdoutLines')] ??= (() => {
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    // Synchronous for files and pipes on Linux (Node's rule for stdout).
    process.stdout.write(text);
  };
  process.once('exit', flush);
  return {
    write(line: string) {
      pending.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
  // One per process, even when this module is loaded more than once (test runners): one exit listener.
})()) as DestinationStream & { flush(): void };

let current: Logger | undefined;
let currentRequestLines: Logger | undefined;
let currentService: { service: string; options: LoggerOptions } | undefined;

/**
 * Creates the logger of this process (runService calls it first, so a bad LOG_LEVEL stops the
 * start naming the variable); later `processLogger()` calls return it.
 */
export function initProcessLogger(service: string, options: LoggerOptions = {}): Logger {
  current = createLogger(service, options);
  currentService = { service, options };
  currentRequestLines = undefined;
  return current;
}

/**
 * The process's logger for request lines (`common/request-log.ts`): the service, level and
 * destination of `processLogger`, without redaction and trace-id lookup, because a request line is
 * built only from fields that cannot hold credentials (method, path without its query, status,
 * ids, operation and client names, outcome, error codes).
 */
export function requestLineLogger(fallbackService = 'bizgraph'): Logger {
  if (currentRequestLines) return currentRequestLines;
  const general = processLogger(fallbackService);
  const { service, options } = currentService ?? { service: fallbackService, options: {} };
  currentRequestLines = createLogger(service, { ...options, env: { ...(options.env ?? process.env), LOG_LEVEL: general.level }, redact: false });
  return currentRequestLines;
}

/**
 * The process's logger. Code running outside `runService` (a test building a server in-process)
 * gets one named `fallbackService`, at `warn` inside vitest unless LOG_LEVEL says otherwise (one
 * request line per test request would bury the test report); an invalid LOG_LEVEL there falls
 * back to the default rather than failing a request.
 */
export function processLogger(fallbackService = 'bizgraph'): Logger {
  if (current) return current;
  const fallbackLevel = process.env.VITEST ? 'warn' : 'info';
  try {
    current = createLogger(fallbackService, { env: { LOG_LEVEL: fallbackLevel, ...process.env } });
  } catch {
    current = createLogger(fallbackService, { env: { LOG_LEVEL: fallbackLevel } });
  }
  return current;
}

/** The text of an error for a log line: its stack when it has one (logs keep the detail). */
export function errorText(error: unknown): string {
  return String((error as Error | undefined)?.stack ?? (error as Error | undefined)?.message ?? error);
}
