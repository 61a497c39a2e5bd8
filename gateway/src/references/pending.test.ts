import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PENDING, PendingReferences } from './pending.js';

const dirs: string[] = [];
const fileIn = () => {
  const dir = mkdtempSync(join(tmpdir(), 'bizgraph-pending-'));
  dirs.push(dir);
  return join(dir, 'nested', 'pending-references.json');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const entry = (value: string) => ({ reference: 'ticket.order', value, system: 'erp', subgraph: 'erp' });
const at = (minute: number) => new Date(Date.UTC(2026, 11, 5, 10, minute));

describe('the pending references list', () => {
  it('keeps one entry per reference and value, counts its writes, and is on disk once add resolves', async () => {
    const file = fileIn();
    const pending = PendingReferences.open(file);
    await pending.add(entry('SO-1'), at(1));
    await pending.add(entry('SO-1'), at(2));
    await pending.add(entry('SO-2'), at(3));
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { pending: unknown[] };
    expect(stored.pending).toEqual([
      { ...entry('SO-1'), state: 'unverified', firstWrittenAt: at(1).toISOString(), lastWrittenAt: at(2).toISOString(), writes: 2, checks: 0 },
      { ...entry('SO-2'), state: 'unverified', firstWrittenAt: at(3).toISOString(), lastWrittenAt: at(3).toISOString(), writes: 1, checks: 0 },
    ]);
  });

  it('drops a confirmed entry, keeps an unknown one as such, counts failed checks, and a reopened list holds the same', async () => {
    const file = fileIn();
    const pending = PendingReferences.open(file);
    for (const value of ['SO-1', 'SO-2', 'SO-3']) await pending.add(entry(value), at(1));
    await pending.settle('ticket.order', 'SO-1', 'found', at(5));
    await pending.settle('ticket.order', 'SO-2', 'unknown', at(5));
    await pending.settle('ticket.order', 'SO-3', 'unavailable', at(5));
    await pending.settle('ticket.order', 'SO-9', 'found', at(5));
    const reopened = PendingReferences.open(file);
    expect(reopened.list().map(({ value, state, checks, lastCheckedAt }) => ({ value, state, checks, lastCheckedAt }))).toEqual([
      { value: 'SO-2', state: 'unknown', checks: 0, lastCheckedAt: at(5).toISOString() },
      { value: 'SO-3', state: 'unverified', checks: 1, lastCheckedAt: at(5).toISOString() },
    ]);
    expect(reopened.unverified().map(({ value }) => value)).toEqual(['SO-3']);
  });

  it('starts empty from an unreadable file and replaces it with the next change', async () => {
    const file = fileIn();
    PendingReferences.open(file);
    await PendingReferences.open(file).add(entry('SO-0'), at(0));
    writeFileSync(file, '{ not json');
    const pending = PendingReferences.open(file);
    expect(pending.list()).toEqual([]);
    await pending.add(entry('SO-1'), at(1));
    expect((JSON.parse(readFileSync(file, 'utf8')) as { pending: Array<{ value: string }> }).pending.map(({ value }) => value)).toEqual(['SO-1']);
  });

  it(`has no room past ${MAX_PENDING} entries`, async () => {
    const pending = PendingReferences.open(fileIn());
    const adds = [];
    for (let index = 0; index < MAX_PENDING; index += 1) adds.push(pending.add(entry(`SO-${index}`), at(1)));
    expect(pending.hasRoom).toBe(false);
    await Promise.all(adds);
    expect(pending.list()).toHaveLength(MAX_PENDING);
  });
});
