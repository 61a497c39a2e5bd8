import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProject } from './build.js';
import { nodeArgsFor, ROOT } from './processes.js';

describe('the build every process can run from', () => {
  let outDir: string;
  beforeAll(async () => {
    mkdirSync(join(ROOT, '.data'), { recursive: true });
    outDir = mkdtempSync(join(ROOT, '.data', 'build-test-'));
    await buildProject(outDir);
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('compiles the entries and copies what modules read beside themselves, never the tests', () => {
    expect(existsSync(join(outDir, 'gateway/src/main.js'))).toBe(true);
    expect(existsSync(join(outDir, 'subgraphs/erp/schema.graphql'))).toBe(true);
    expect(existsSync(join(outDir, 'scripts/scaffold/templates/common/main.ts.tmpl'))).toBe(true);
    expect(existsSync(join(outDir, 'common/logger.test.js'))).toBe(false);
    // schema/'s data is read from the project, so a stale copy can never be served.
    expect(existsSync(join(outDir, 'schema/supergraph.graphql'))).toBe(false);
  });

  it('finds the live project root from inside the build', async () => {
    const built = (await import(pathToFileURL(join(outDir, 'common/project-root.js')).href)) as { PROJECT_ROOT: string };
    expect(built.PROJECT_ROOT).toBe(ROOT);
  });

  it('starts an entry from the build only when the build is this project’s and holds it', () => {
    expect(nodeArgsFor('gateway/src/main.ts', { BIZGRAPH_BUILD_DIR: outDir })).toEqual(['--enable-source-maps', join(outDir, 'gateway/src/main.js')]);
    expect(nodeArgsFor('gateway/src/main.ts', { BIZGRAPH_BUILD_DIR: outDir, NODE_ENV: 'production' })).toEqual([join(outDir, 'gateway/src/main.js')]);
    expect(nodeArgsFor('subgraphs/not-built/main.ts', { BIZGRAPH_BUILD_DIR: outDir })).toEqual(['--import', 'tsx', 'subgraphs/not-built/main.ts']);
    expect(nodeArgsFor('gateway/src/main.ts', { BIZGRAPH_BUILD_DIR: tmpdir() })).toEqual(['--import', 'tsx', 'gateway/src/main.ts']);
    expect(nodeArgsFor('gateway/src/main.ts', {})).toEqual(['--import', 'tsx', 'gateway/src/main.ts']);
  });
});
