import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unchangedFileCheck } from './poll.js';

/** Polling skips reading a supergraph file only when it provably did not change since it was read. */
const dir = mkdtempSync(join(tmpdir(), 'bizgraph-unchanged-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** How long a file must stand still here (the gateway waits 2 s). */
const SETTLED_MS = 100;

/** A file that has stood still for longer than SETTLED_MS. */
async function settledFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, text);
  await new Promise((resolve) => setTimeout(resolve, SETTLED_MS * 2));
  return path;
}

describe('unchangedFileCheck', () => {
  it('trusts a read of a file that had stood still, until the file changes (same size included)', async () => {
    const path = await settledFile('settled.graphql', 'type Query { a: String }');
    const check = unchangedFileCheck(path, SETTLED_MS);
    expect(await check.unchanged()).toBe(false); // never read
    await check.reading();
    expect(await check.unchanged()).toBe(true);
    writeFileSync(path, 'type Query { b: String }');
    expect(await check.unchanged()).toBe(false);
  });

  it('does not trust a read of a file written moments before: timestamps are too coarse to tell a rewrite', async () => {
    const path = join(dir, 'fresh.graphql');
    writeFileSync(path, 'type Query { a: String }');
    const check = unchangedFileCheck(path, SETTLED_MS);
    await check.reading();
    expect(await check.unchanged()).toBe(false);
  });

  it('reads again when the file cannot be looked at', async () => {
    const path = await settledFile('gone.graphql', 'type Query { a: String }');
    const check = unchangedFileCheck(path, SETTLED_MS);
    await check.reading();
    rmSync(path);
    expect(await check.unchanged()).toBe(false);
  });
});
