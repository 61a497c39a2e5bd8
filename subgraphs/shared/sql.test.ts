import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './sql.js';

describe('PGlite statements under a queue', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bizgraph-sql-test-'));
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ dataDir });
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('run one per event-loop turn in arrival order, so the loop reads new requests between two statements', async () => {
    // A statement that takes the WebAssembly engine a few milliseconds, synchronously.
    const heavy = 'SELECT count(*)::int AS n FROM generate_series(1, 50000)';
    const finished: number[] = [];
    const statements = Array.from({ length: 6 }, (_, index) => db.query<{ n: number }>(heavy).then(({ rows }) => finished.push(rows[0]!.n === 50_000 ? index : -1)));
    // Stands for a socket that became readable while the queue was running: the loop's next turn.
    let finishedAtNextTurn: number | undefined;
    setImmediate(() => (finishedAtNextTurn = finished.length));
    await Promise.all(statements);
    expect(finished).toEqual([0, 1, 2, 3, 4, 5]);
    // Before, PGlite handed each statement to the next in a microtask: the loop got its turn only
    // after all six (a subgraph under load read new requests in batches).
    expect(finishedAtNextTurn).toBeLessThanOrEqual(1);
  });

  it('a failed statement does not stall the ones queued behind it', async () => {
    const results = await Promise.allSettled([db.query('SELECT * FROM no_such_table'), db.query<{ one: number }>('SELECT 1 AS one')]);
    expect(results[0].status).toBe('rejected');
    expect(results[1]).toMatchObject({ status: 'fulfilled', value: { rows: [{ one: 1 }] } });
  });
});
