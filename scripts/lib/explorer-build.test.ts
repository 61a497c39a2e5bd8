import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildExplorer } from './explorer-build.js';

const outDir = mkdtempSync(join(tmpdir(), 'bizgraph-explorer-build-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the explorer build', () => {
  it('writes the three pages, leaves this process environment as it found it, and skips an unchanged rebuild', async () => {
    // As under npm start, where NODE_ENV is unset (vitest sets it to "test", which Vite would leave alone).
    const mode = process.env.NODE_ENV;
    delete process.env.NODE_ENV;
    const before = { ...process.env };
    let first: Awaited<ReturnType<typeof buildExplorer>>;
    try {
      first = await buildExplorer(outDir);
      // Vite sets NODE_ENV=production for its build; npm start's subgraphs would inherit it and refuse to start.
      expect(process.env).toEqual(before);
    } finally {
      process.env.NODE_ENV = mode;
    }
    expect(first.built).toBe(true);
    expect(['index.html', 'console.html', 'report.html'].filter((page) => existsSync(join(outDir, page)))).toEqual(['index.html', 'console.html', 'report.html']);
    expect((await buildExplorer(outDir)).built).toBe(false);
  }, 120_000);
});
