import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mergeIntoUsageFile, parseUsageFile, readUsageFile, usageFileWriter } from './file-store.js';
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

  /** The gateway's store flushes through one writer, which parses the file only when someone else changed it. */
  describe('usage file writer', () => {
    it('does not parse the file again while it holds what the writer wrote, and writes what a fresh read-merge writes', async () => {
      const path = join(dir, 'usage.json');
      const fresh = join(dir, 'fresh.json');
      await mergeIntoUsageFile(path, [record({ count: 2 })]);
      copyFileSync(path, fresh);
      const parse = vi.fn(parseUsageFile);
      const write = usageFileWriter(path, parse);
      const flushes = [[record({ clientName: 'app' })], [record({ count: 3, lastSeen: '2026-11-09T00:00:00.000Z' })], [record({ operationHash: 'bbb' })]];
      for (const records of flushes) await write(records);
      for (const records of flushes) await mergeIntoUsageFile(fresh, records);
      expect(parse).toHaveBeenCalledTimes(1);
      expect(readFileSync(path, 'utf8')).toBe(readFileSync(fresh, 'utf8'));
    });

    it('sees a same-size rewrite by another process right after its own write, and loses nothing', async () => {
      const path = join(dir, 'usage.json');
      const parse = vi.fn(parseUsageFile);
      const write = usageFileWriter(path, parse);
      await write([record({ count: 2 })]);
      const ours = readFileSync(path, 'utf8');
      writeFileSync(path, ours.replace('"count": 2', '"count": 7'));
      expect(statSync(path).size).toBe(Buffer.byteLength(ours));
      await write([record({ count: 1 })]);
      expect(parse).toHaveBeenCalledTimes(1);
      expect(await readUsageFile(path)).toEqual([record({ count: 8 })]);
    });

    it('sees another process replacing the file between flushes', async () => {
      const path = join(dir, 'usage.json');
      const write = usageFileWriter(path);
      await write([record({ count: 2 })]);
      await mergeIntoUsageFile(path, [record({ clientName: 'app' })]);
      await write([record({ count: 3 })]);
      expect(await readUsageFile(path)).toEqual([record({ clientName: 'app' }), record({ count: 5 })]);
    });

    it('starts from no records when the file was deleted between flushes', async () => {
      const path = join(dir, 'usage.json');
      const write = usageFileWriter(path);
      await write([record({ count: 2 })]);
      rmSync(path);
      await write([record({ count: 3 })]);
      expect(await readUsageFile(path)).toEqual([record({ count: 3 })]);
    });

    it('is not changed by a caller changing the records it flushed', async () => {
      const path = join(dir, 'usage.json');
      const write = usageFileWriter(path);
      const flushed = record({ count: 2 });
      await write([flushed]);
      flushed.count = 100;
      flushed.fields.push('Customer.email');
      await write([record({ operationHash: 'bbb' })]);
      expect(await readUsageFile(path)).toEqual([record({ count: 2 }), record({ operationHash: 'bbb' })]);
    });
  });
});
