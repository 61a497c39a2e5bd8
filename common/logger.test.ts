import { trace } from '@opentelemetry/api';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ConfigError } from './config.js';
import { createLogger, createRequestLineLogger, isoTime, readLogLevel, stdoutLines, type Logger, type LogLevel } from './logger.js';
import { startTracing } from './tracing.js';

/** A logger writing into an array, one parsed object per line. */
function capture(env: Record<string, string> = {}): { logger: Logger; lines: Record<string, unknown>[]; raw: string[] } {
  const raw: string[] = [];
  const logger = createLogger('test-service', { env, destination: { write: (line: string) => void raw.push(line) } });
  return {
    logger,
    raw,
    get lines() {
      return raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
  };
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('createLogger', () => {
  it('writes one JSON line with the level label, an ISO time, the service, the fields and msg', () => {
    const out = capture();
    out.logger.info({ requestId: 'r-1' }, 'hello');
    expect(out.raw).toHaveLength(1);
    expect(out.raw[0]!.endsWith('\n')).toBe(true);
    expect(out.raw[0]).toMatch(/^\{"level":"info","time":"[^"]+","service":"test-service",/);
    expect(out.lines).toEqual([{ level: 'info', time: expect.stringMatching(ISO_TIME), service: 'test-service', requestId: 'r-1', msg: 'hello' }]);
  });

  it('reads LOG_LEVEL (default info) and refuses a bad one naming the variable', () => {
    expect(readLogLevel({})).toBe('info');
    expect(readLogLevel({ LOG_LEVEL: '' })).toBe('info');
    expect(readLogLevel({ LOG_LEVEL: 'debug' })).toBe('debug');
    expect(() => readLogLevel({ LOG_LEVEL: 'verbose' })).toThrow(ConfigError);
    expect(() => createLogger('x', { env: { LOG_LEVEL: 'INFO' } })).toThrow('LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "INFO"');

    const info = capture();
    info.logger.debug('hidden');
    info.logger.warn('shown');
    expect(info.lines.map((line) => [line.level, line.msg])).toEqual([['warn', 'shown']]);

    const debug = capture({ LOG_LEVEL: 'debug' });
    debug.logger.debug('shown');
    expect(debug.lines.map((line) => [line.level, line.msg])).toEqual([['debug', 'shown']]);

    const silent = capture({ LOG_LEVEL: 'silent' });
    silent.logger.fatal('nothing');
    expect(silent.raw).toEqual([]);
  });

  it('redacts credentials at the top level and one level down', () => {
    const out = capture();
    out.logger.info(
      {
        authorization: 'Bearer top-secret-1',
        headers: { authorization: 'Bearer top-secret-2', cookie: 'sid=top-secret-3', 'set-cookie': 'sid=top-secret-4', 'x-api-key': 'top-secret-5', accept: 'application/json' },
        config: { password: 'top-secret-6', apiKey: 'top-secret-7', secret: 'top-secret-8', url: 'http://crm' },
        token: 'top-secret-9',
        accessToken: 'top-secret-10',
      },
      'redacted',
    );
    expect(out.raw[0]).not.toContain('top-secret');
    expect(out.lines[0]).toMatchObject({
      authorization: '[redacted]',
      headers: { authorization: '[redacted]', cookie: '[redacted]', 'set-cookie': '[redacted]', 'x-api-key': '[redacted]', accept: 'application/json' },
      config: { password: '[redacted]', apiKey: '[redacted]', secret: '[redacted]', url: 'http://crm' },
      token: '[redacted]',
      accessToken: '[redacted]',
    });
  });

  describe('trace id (mixin)', () => {
    // What every main.ts does first: a context manager, so spans are active across awaits (nothing exported).
    const tracing = startTracing('logger-test', {});
    afterAll(() => tracing.shutdown());

    it('adds the active span’s traceId, only inside a trace; a field passed explicitly wins', async () => {
      const out = capture();
      out.logger.info('outside');
      const traceId = await trace.getTracer('logger-test').startActiveSpan('request', async (span) => {
        await Promise.resolve();
        out.logger.info('inside');
        out.logger.info({ traceId: 'captured-earlier' }, 'explicit');
        span.end();
        return span.spanContext().traceId;
      });
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(out.lines.map((line) => [line.msg, line.traceId])).toEqual([
        ['outside', undefined],
        ['inside', traceId],
        ['explicit', 'captured-earlier'],
      ]);
    });
  });

  it("writes request lines in the shape of pino's, at the same levels, without redaction or trace-id lookup", () => {
    const raw: string[] = [];
    const destination = { write: (line: string) => void raw.push(line) };
    const requestLines = createRequestLineLogger('test-service', { env: { LOG_LEVEL: 'warn' }, destination });
    expect(['error', 'warn', 'info', 'debug'].map((level) => requestLines.isLevelEnabled(level as LogLevel))).toEqual([true, true, false, false]);
    requestLines.write({ level: 'warn', time: isoTime(), service: requestLines.service, requestId: 'r1', token: 'not-a-secret-here', msg: 'request' });
    createLogger('test-service', { env: { LOG_LEVEL: 'warn' }, destination }).warn({ requestId: 'r1' }, 'request');
    const [ours, pinos] = raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(raw[0]!.endsWith('\n')).toBe(true);
    expect(ours).toEqual({ level: 'warn', time: expect.any(String), service: 'test-service', requestId: 'r1', token: 'not-a-secret-here', msg: 'request' });
    expect(Object.keys(pinos!)).toEqual(['level', 'time', 'service', 'requestId', 'msg']);
    expect(Date.parse(ours!.time as string)).toBeGreaterThan(Date.now() - 60_000);
    expect(createRequestLineLogger('quiet', { env: { LOG_LEVEL: 'silent' }, destination }).isLevelEnabled('fatal')).toBe(false);
  });

  it('formats isoTime exactly as Date.toISOString, across millisecond padding and second boundaries', () => {
    const base = Date.UTC(2026, 11, 5, 23, 59, 59);
    for (const at of [base, base + 7, base + 42, base + 999, base + 1000, base + 1005, Date.UTC(1999, 0, 1)]) {
      expect(isoTime(at)).toBe(new Date(at).toISOString());
    }
  });

  it('writes the lines of one event-loop turn to stdout with one write, at the end of the turn', async () => {
    const writes: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => writes.push(String(chunk)) > 0);
    try {
      stdoutLines.write('{"n":1}\n');
      stdoutLines.write('{"n":2}\n');
      expect(writes).toEqual([]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(writes).toEqual(['{"n":1}\n{"n":2}\n']);
      stdoutLines.write('{"n":3}\n');
      // What the exit handler does: nothing pending is lost.
      stdoutLines.flush();
      expect(writes).toEqual(['{"n":1}\n{"n":2}\n', '{"n":3}\n']);
    } finally {
      spy.mockRestore();
    }
  });

  it('keeps an error’s stack in the line', () => {
    const out = capture();
    out.logger.error({ err: new Error('boom') }, 'failed');
    expect((out.lines[0]!.err as { stack: string }).stack).toMatch(/^Error: boom\n\s+at /);
  });
});
