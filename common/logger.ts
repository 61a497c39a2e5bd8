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
  /** Where lines go. @default stdout, written synchronously (see below) */
  destination?: DestinationStream;
}

/**
 * A pino logger for one process: one JSON line per event on stdout with `level` (its label),
 * `time` (ISO 8601), `service`, `msg`, the active span's `traceId` when there is one, and the
 * caller's fields (`requestId`, …); credentials are redacted (`REDACTED_PATHS`).
 *
 * Writes are synchronous: runService exits with `process.exit` right after the last line
 * ("shutting down", a fatal start-up error), and an asynchronous buffer would lose exactly those
 * lines. One `write(2)` per line costs microseconds, little next to the request it describes.
 * Throws a ConfigError naming LOG_LEVEL for a bad level.
 */
export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  const level = readLogLevel(options.env ?? process.env);
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Fields the caller passes win over the mixin's (a request line may carry the trace id it captured).
      mixin() {
        const traceId = currentTraceId();
        return traceId === undefined ? {} : { traceId };
      },
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

let current: Logger | undefined;

/**
 * Creates the logger of this process (runService calls it first, so a bad LOG_LEVEL stops the
 * start naming the variable); later `processLogger()` calls return it.
 */
export function initProcessLogger(service: string, options: LoggerOptions = {}): Logger {
  current = createLogger(service, options);
  return current;
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
