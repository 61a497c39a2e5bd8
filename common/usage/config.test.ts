import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readUsageConfig } from './config.js';

describe('readUsageConfig', () => {
  it('defaults to <BIZGRAPH_DATA_DIR>/usage.json, flushed every 10 s', () => {
    expect(readUsageConfig({})).toEqual({ store: { kind: 'file', path: resolve('.data/usage.json') }, flushIntervalMs: 10_000 });
    expect(readUsageConfig({ BIZGRAPH_DATA_DIR: '/var/bizgraph' }).store).toEqual({ kind: 'file', path: '/var/bizgraph/usage.json' });
  });

  it('reads USAGE_LOG (path or off), USAGE_DATABASE_URL and USAGE_FLUSH_INTERVAL_MS', () => {
    expect(readUsageConfig({ USAGE_LOG: 'logs/usage.json' }).store).toEqual({ kind: 'file', path: resolve('logs/usage.json') });
    expect(readUsageConfig({ USAGE_LOG: 'off' }).store).toEqual({ kind: 'off' });
    expect(readUsageConfig({ USAGE_DATABASE_URL: 'postgres://db/usage' }).store).toEqual({ kind: 'postgres', url: 'postgres://db/usage' });
    expect(readUsageConfig({ USAGE_FLUSH_INTERVAL_MS: '100' }).flushIntervalMs).toBe(100);
  });

  it('names the variable of a bad value', () => {
    expect(() => readUsageConfig({ USAGE_FLUSH_INTERVAL_MS: '99' })).toThrow('USAGE_FLUSH_INTERVAL_MS: expected an integer between 100 and');
    expect(() => readUsageConfig({ USAGE_DATABASE_URL: 'mysql://db/usage' })).toThrow('USAGE_DATABASE_URL: expected a postgres: or postgresql: URL');
    expect(() => readUsageConfig({ USAGE_DATABASE_URL: 'postgres://db/usage', USAGE_LOG: 'usage.json' })).toThrow('USAGE_LOG: cannot be combined with USAGE_DATABASE_URL');
  });
});
