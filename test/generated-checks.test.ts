import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/lib/processes.js';

/**
 * compose:check and codegen:check catch a hand edit of their committed output and pass again
 * after regenerating. Run in a copy of the project so the real files are never touched.
 */
let copy: string;
beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'bizgraph-checks-'));
  const skip = new Set(['node_modules', '.git', '.data']);
  cpSync(ROOT, copy, { recursive: true, filter: (source) => !skip.has(relative(ROOT, source).split('/')[0]!) });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));

function run(script: string): { status: number | null; output: string } {
  const result = spawnSync('npm', ['run', '-s', script], { cwd: copy, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('generated artefacts are checked, not trusted', () => {
  // No check of the untouched copy first: the last assertion (passes after regenerating) shows the
  // copy was consistent, and the failure names the edited file, so it is the edit that failed it.
  it('compose:check fails after a hand edit of schema/supergraph.graphql and passes after compose', () => {
    appendFileSync(join(copy, 'schema/supergraph.graphql'), '\n# hand edit\n');
    const stale = run('compose:check');
    expect(stale.status).toBe(1);
    expect(stale.output).toContain('supergraph.graphql is stale or was edited by hand');
    expect(run('compose').status).toBe(0);
    expect(run('compose:check').status).toBe(0);
  });

  it('codegen:check fails after a hand edit of a generated file and passes after codegen', () => {
    appendFileSync(join(copy, 'subgraphs/erp/__generated__/resolvers-types.ts'), '\nexport type HandEdit = 1;\n');
    const drifted = run('codegen:check');
    expect(drifted.status).toBe(1);
    expect(drifted.output).toContain('subgraphs/erp/__generated__/resolvers-types.ts');
    expect(run('codegen').status).toBe(0);
    expect(run('codegen:check').status).toBe(0);
  });
});
