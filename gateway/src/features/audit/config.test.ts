import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../common/config.js';
import { readAuditConfig } from './config.js';
import { openAuditSink } from './sink.js';

const dir = mkdtempSync(join(tmpdir(), 'bizgraph-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readAuditConfig', () => {
  it('defaults to <BIZGRAPH_DATA_DIR>/audit.log in development and stdout in production', () => {
    expect(readAuditConfig({ BIZGRAPH_DATA_DIR: '/srv/data' }, false)).toEqual({
      sink: { kind: 'file', path: '/srv/data/audit.log', createdByDefault: true },
      failClosed: false,
    });
    expect(readAuditConfig({}, false).sink).toEqual({ kind: 'file', path: resolve('.data/audit.log'), createdByDefault: true });
    expect(readAuditConfig({}, true)).toEqual({ sink: { kind: 'stdout' }, failClosed: false });
  });

  it('reads stdout, off, and a path (relative to the working directory)', () => {
    expect(readAuditConfig({ AUDIT_LOG: 'stdout' }, false).sink).toEqual({ kind: 'stdout' });
    expect(readAuditConfig({ AUDIT_LOG: 'off' }, true).sink).toEqual({ kind: 'off' });
    expect(readAuditConfig({ AUDIT_LOG: 'logs/audit.jsonl' }, false).sink).toEqual({ kind: 'file', path: resolve('logs/audit.jsonl'), createdByDefault: false });
    expect(readAuditConfig({ AUDIT_LOG: '/var/log/a.log', AUDIT_FAIL_CLOSED: '1' }, false)).toEqual({
      sink: { kind: 'file', path: '/var/log/a.log', createdByDefault: false },
      failClosed: true,
    });
  });

  it('refuses a bad AUDIT_FAIL_CLOSED, and fail-closed without a log', () => {
    expect(() => readAuditConfig({ AUDIT_FAIL_CLOSED: 'yes' }, false)).toThrow(new ConfigError('AUDIT_FAIL_CLOSED', 'expected 1, true, 0 or false, got "yes"'));
    expect(() => readAuditConfig({ AUDIT_FAIL_CLOSED: 'true', AUDIT_LOG: 'off' }, false)).toThrow(new ConfigError('AUDIT_FAIL_CLOSED', 'needs an audit log, but AUDIT_LOG=off'));
  });
});

describe('openAuditSink', () => {
  it('refuses at start a path it cannot append to, naming AUDIT_LOG', () => {
    const path = join(dir, 'missing', 'audit.log');
    expect(() => openAuditSink({ kind: 'file', path, createdByDefault: false })).toThrow(new ConfigError('AUDIT_LOG', `cannot append to ${path}: ENOENT`));
  });

  it('creates the default directory, appends lines in order (mode 0600) and flushes them on close', async () => {
    const path = join(dir, 'data', 'audit.log');
    const sink = openAuditSink({ kind: 'file', path, createdByDefault: true });
    const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ n: i }));
    const writes = lines.map((line) => sink.write(line));
    await sink.close();
    expect(await Promise.all(writes)).toEqual(lines.map(() => true));
    expect(readFileSync(path, 'utf8')).toBe(lines.map((line) => `${line}\n`).join(''));
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('appends to an existing file', async () => {
    const path = join(dir, 'append.log');
    for (const n of [1, 2]) {
      const sink = openAuditSink({ kind: 'file', path, createdByDefault: false });
      await sink.write(`{"n":${n}}`);
      await sink.close();
    }
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
  });

  it.skipIf(!existsSync('/dev/full'))('drops and counts lines once the sink fails, without throwing', async () => {
    const sink = openAuditSink({ kind: 'file', path: '/dev/full', createdByDefault: false });
    expect(await sink.write('{"n":1}')).toBe(false);
    expect(await sink.write('{"n":2}')).toBe(false);
    expect(sink.dropped()).toBe(2);
    await sink.close();
  });
});
