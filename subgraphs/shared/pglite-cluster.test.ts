import { existsSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareClusterDir } from './pglite-cluster.js';

describe('a fresh PGlite data dir', () => {
  // A template of this test's own, so damaging it cannot disturb stacks starting meanwhile.
  const root = mkdtempSync(join(tmpdir(), 'bizgraph-cluster-test-'));
  const templates = join(root, 'templates');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('starts as a copy of the initialized cluster, and is a working database of its own', async () => {
    const [first, second] = [join(root, 'a'), join(root, 'b')];
    expect(await prepareClusterDir(first, templates)).toBe('copied');
    expect(await prepareClusterDir(second, templates)).toBe('copied');
    const a = await PGlite.create(first);
    await a.exec('CREATE TABLE t (x int); INSERT INTO t VALUES (1)');
    await a.close();
    // The copy shares nothing with the template or its sibling.
    const b = await PGlite.create(second);
    expect((await b.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 't'")).rows).toEqual([{ n: 0 }]);
    await b.close();
    expect(await prepareClusterDir(first, templates)).toBe('existing');
  });

  it('never copies a template with a file missing: it is rebuilt first', async () => {
    const template = join(
      templates,
      readdirSync(templates).find((name) => !name.endsWith('.json'))!,
    );
    unlinkSync(join(template, 'PG_VERSION'));
    unlinkSync(join(template, 'global', 'pg_control'));
    const dir = join(root, 'after-damage');
    expect(await prepareClusterDir(dir, templates)).toBe('copied');
    expect(existsSync(join(dir, 'global', 'pg_control'))).toBe(true);
    const db = await PGlite.create(dir);
    expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await db.close();
  });

  it('leaves a directory that already holds something alone', async () => {
    const dir = mkdtempSync(join(root, 'other-'));
    writeFileSync(join(dir, 'stray'), '');
    expect(await prepareClusterDir(dir, templates)).toBe('existing');
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(false);
  });
});
