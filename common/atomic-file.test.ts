import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomically, writeFileAtomicallySync } from './atomic-file.js';

describe.each([
  ['writeFileAtomically', writeFileAtomically],
  ['writeFileAtomicallySync', async (path: string, contents: string) => writeFileAtomicallySync(path, contents)],
])('%s', (_name, write) => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bizgraph-atomic-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the file and leaves no temporary file behind', async () => {
    const path = join(dir, 'file.json');
    writeFileSync(path, 'old');
    await write(path, 'new ✓');
    expect(readFileSync(path, 'utf8')).toBe('new ✓');
    expect(readdirSync(dir)).toEqual(['file.json']);
  });

  it('throws when the rename fails, keeping the target and removing the temporary file', async () => {
    // A non-empty directory cannot be replaced by a file.
    const path = join(dir, 'taken');
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'kept');
    await expect(write(path, 'new')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readFileSync(join(path, 'inside'), 'utf8')).toBe('kept');
  });
});
