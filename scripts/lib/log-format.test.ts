import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../common/config.js';
import { createLineFormatter, readLogFormat } from './log-format.js';

const time = new Date(2026, 10, 27, 9, 5, 7, 42).toISOString();

describe('LOG_FORMAT', () => {
  it('is pretty on a terminal and JSON otherwise, unless set; anything else names the variable', () => {
    expect(readLogFormat({}, true)).toBe('pretty');
    expect(readLogFormat({}, false)).toBe('json');
    expect(readLogFormat({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(readLogFormat({ LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
    expect(() => readLogFormat({ LOG_FORMAT: 'text' }, true)).toThrow(ConfigError);
    expect(() => readLogFormat({ LOG_FORMAT: 'text' }, true)).toThrow('LOG_FORMAT: expected "pretty" or "json", got "text"');
  });
});

describe('createLineFormatter', () => {
  const line = (fields: Record<string, unknown>) => JSON.stringify({ level: 'info', time, service: 'gateway', ...fields });

  it('passes lines through unchanged in json format', () => {
    const format = createLineFormatter({ format: 'json', color: false });
    expect(format(line({ msg: 'listening', url: 'http://127.0.0.1:4000' }))).toBe(line({ msg: 'listening', url: 'http://127.0.0.1:4000' }));
  });

  it('shows a log line as time, level, message and the other fields on one line', () => {
    const format = createLineFormatter({ format: 'pretty', color: false });
    expect(format(line({ msg: 'listening', url: 'http://127.0.0.1:4000' }))).toBe('[09:05:07.042] INFO: listening {"url":"http://127.0.0.1:4000"}');
  });

  it('summarises a request line', () => {
    const format = createLineFormatter({ format: 'pretty', color: false });
    const request = line({
      requestId: 'r-1',
      method: 'POST',
      path: '/graphql',
      status: 200,
      durationMs: 12.5,
      operationName: 'Overview',
      outcome: 'partial',
      errorCodes: ['SUBGRAPH_UNAVAILABLE'],
      msg: 'request',
    });
    expect(format(request)).toBe('[09:05:07.042] INFO: POST /graphql 200 12.5ms Overview partial {"requestId":"r-1","errorCodes":["SUBGRAPH_UNAVAILABLE"]}');
    expect(format(line({ requestId: 'r-2', method: 'GET', path: '/readyz', status: 200, durationMs: 1, msg: 'request' }))).toBe(
      '[09:05:07.042] INFO: GET /readyz 200 1ms {"requestId":"r-2"}',
    );
  });

  it('puts an error’s stack below its line, and leaves other output alone', () => {
    const format = createLineFormatter({ format: 'pretty', color: false });
    expect(format(JSON.stringify({ level: 'error', time, service: 'crm-subgraph', msg: 'unexpected error', error: 'Error: boom\n    at f (x.ts:1:1)' }))).toBe(
      '[09:05:07.042] ERROR: unexpected error\n    Error: boom\n        at f (x.ts:1:1)',
    );
    expect(format('node:internal/modules/cjs/loader:1228')).toBe('node:internal/modules/cjs/loader:1228');
    expect(format('{"not":"a log line"}')).toBe('{"not":"a log line"}');
    expect(format('{broken')).toBe('{broken');
  });
});
