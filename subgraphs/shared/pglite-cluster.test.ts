import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareClusterDir } from './pglite-cluster.js';

describe('a fresh PGlite data dir', () => {
  const root = mkdtempSync(join(tmpdir(), 'bizgraph-cluster-test-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('starts as a copy of the initialized cluster, and is a working database of its own', async () => {
    const [first, second] = [join(root, 'a'), join(root, 'b')];
    expect(await prepareClusterDir(first)).toBe('copied');
    expect(await prepareClusterDir(second)).toBe('copied');
    const a = await PGlite.create(first);
    await a.exec('CREATE TABLE t (x int); INSERT INTO t VALUES (1)');
    await a.close();
    // The copy shares nothing with the template or its sibling.
    const b = await PGlite.create(second);
    expect((await b.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 't'")).rows).toEqual([{ n: 0 }]);
    await b.close();
    expect(await prepareClusterDir(first)).toBe('existing');
  });

  it('leaves a directory that already holds something alone', async () => {
    const dir = mkdtempSync(join(root, 'other-'));
    writeFileSync(join(dir, 'stray'), '');
    expect(await prepareClusterDir(dir)).toBe('existing');
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(false);
  });
});
