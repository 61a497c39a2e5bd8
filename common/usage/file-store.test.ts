import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeIntoUsageFile, readUsageFile } from './file-store.js';
import { readUsage } from './store.js';
import { usageRecord } from '../../test/helpers/usage-records.js';

const record = usageRecord;

describe('usage file store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bizgraph-usage-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a missing file as no records', async () => {
    expect(await readUsageFile(join(dir, 'none.json'))).toEqual([]);
  });

  it('creates the file (and its folder) in the documented format, sorted', async () => {
    const path = join(dir, 'nested', 'usage.json');
    await mergeIntoUsageFile(path, [record({ operationHash: 'bbb' }), record({ clientName: 'app' })]);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ format: 'bizgraph-usage/1', records: [record({ clientName: 'app' }), record({ operationHash: 'bbb' })] });
  });

  it('merges each flush into what the file holds, leaving no temporary file behind', async () => {
    const path = join(dir, 'usage.json');
    await mergeIntoUsageFile(path, [record({ count: 2 })]);
    await mergeIntoUsageFile(path, [record({ count: 3, lastSeen: '2026-11-09T00:00:00.000Z', fields: ['Customer.email'] }), record({ clientName: 'app' })]);
    expect(await readUsageFile(path)).toEqual([
      record({ clientName: 'app' }),
      record({ count: 5, lastSeen: '2026-11-09T00:00:00.000Z', fields: ['Customer.email', 'Customer.phone', 'Query.customer'] }),
    ]);
    expect(readdirSync(dir)).toEqual(['usage.json']);
  });

  it('refuses a malformed file naming it, and does not overwrite it', async () => {
    const path = join(dir, 'usage.json');
    writeFileSync(path, '{"format":"bizgraph-usage/1","records":[{"operationHash":"aaa"}]}');
    await expect(readUsageFile(path)).rejects.toThrow(`${path}: records[0] needs a string clientName`);
    await expect(mergeIntoUsageFile(path, [record({})])).rejects.toThrow(path);
    writeFileSync(path, 'not json');
    await expect(readUsageFile(path)).rejects.toThrow(`${path}: not JSON`);
    expect(readFileSync(path, 'utf8')).toBe('not json');
  });

  it('readUsage follows the file option, else USAGE_LOG, else <BIZGRAPH_DATA_DIR>/usage.json', async () => {
    const explicit = join(dir, 'explicit.json');
    const fromLog = join(dir, 'from-log.json');
    await mergeIntoUsageFile(explicit, [record({ clientName: 'explicit' })]);
    await mergeIntoUsageFile(fromLog, [record({ clientName: 'from-log' })]);
    await mergeIntoUsageFile(join(dir, 'usage.json'), [record({ clientName: 'default' })]);
    const saved = { ...process.env };
    try {
      delete process.env.USAGE_DATABASE_URL;
      process.env.USAGE_LOG = fromLog;
      expect((await readUsage({ file: explicit })).map((r) => r.clientName)).toEqual(['explicit']);
      expect((await readUsage()).map((r) => r.clientName)).toEqual(['from-log']);
      process.env.USAGE_LOG = 'off';
      expect(await readUsage()).toEqual([]);
      delete process.env.USAGE_LOG;
      process.env.BIZGRAPH_DATA_DIR = dir;
      expect((await readUsage()).map((r) => r.clientName)).toEqual(['default']);
    } finally {
      process.env = saved;
    }
  });
});
