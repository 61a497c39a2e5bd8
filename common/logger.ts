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
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Fields the caller passes win over the mixin's (a line may carry the trace id it captured).
      mixin() {
        const traceId = currentTraceId();
        return traceId === undefined ? {} : { traceId };
      },
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
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

/**
 * The writer of request lines (`common/request-log.ts`), one per HTTP request: pino's generic
 * path (its serialisers, a `Date` per line, a property walk) cost ~4 % of the gateway's CPU for a
 * line whose shape is fixed. It writes the line `fields` holds, one `JSON.stringify`, to the same
 * destination and in the same shape as the process's other lines (`level` label, ISO `time`,
 * `service`, the fields, `msg`); the caller builds it only from fields that cannot hold credentials.
 */
export interface RequestLineLogger {
  readonly service: string;
  isLevelEnabled(level: LogLevel): boolean;
  /** `fields` must hold `level`, `time` (`isoTime()`) and `service` first and `msg` last. */
  write(fields: object): void;
}

const LEVEL_VALUES: Record<LogLevel, number> = { fatal: 60, error: 50, warn: 40, info: 30, debug: 20, trace: 10, silent: Infinity };

export function createRequestLineLogger(service: string, options: LoggerOptions = {}): RequestLineLogger {
  const threshold = LEVEL_VALUES[readLogLevel(options.env ?? process.env)];
  const destination = options.destination ?? stdoutLines;
  return {
    service,
    isLevelEnabled: (level) => LEVEL_VALUES[level] >= threshold && level !== 'silent',
    write(fields) {
      destination.write(`${JSON.stringify(fields)}\n`);
    },
  };
}

let isoSecond = -1;
let isoPrefix = '';
/** `new Date().toISOString()`, formatting the date part once per second (a line per request asks often). */
export function isoTime(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const millis = now - second * 1000;
  return `${isoPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

let current: Logger | undefined;
let currentRequestLines: RequestLineLogger | undefined;
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
 * The process's writer of request lines (`common/request-log.ts`): the service, level and
 * destination of `processLogger`, without redaction and trace-id lookup, because a request line is
 * built only from fields that cannot hold credentials (method, path without its query, status,
 * ids, operation and client names, outcome, error codes).
 */
export function requestLineLogger(fallbackService = 'bizgraph'): RequestLineLogger {
  if (currentRequestLines) return currentRequestLines;
  const general = processLogger(fallbackService);
  const { service, options } = currentService ?? { service: fallbackService, options: {} };
  currentRequestLines = createRequestLineLogger(service, { ...options, env: { ...(options.env ?? process.env), LOG_LEVEL: general.level } });
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
