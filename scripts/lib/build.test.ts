import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProject, UNBUNDLED_PACKAGES } from './build.js';
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

  it('bundles each service with its packages, leaving out only those that read files beside themselves', () => {
    const built = JSON.parse(readFileSync(join(outDir, 'BUILD.json'), 'utf8')) as { services: string[] };
    expect(built.services).toEqual(expect.arrayContaining(['gateway/src/main.ts', 'subgraphs/erp/main.ts', 'systems/crm/main.ts']));
    expect(built.services).not.toContain('subgraphs/shared/kinds/main.ts');
    // The entries and the chunks they share import only each other, Node's built-ins and the unbundled packages.
    const files = [
      'gateway/src/main.js',
      'subgraphs/erp/main.js',
      ...readdirSync(join(outDir, 'chunks'))
        .filter((name) => name.endsWith('.js'))
        .map((name) => `chunks/${name}`),
    ];
    const imported = files.flatMap((file) =>
      [...readFileSync(join(outDir, file), 'utf8').matchAll(/^(?:} from|import(?: .*? from)?) ["']([^"']+)["'];$/gm)].map((match) => match[1]!),
    );
    expect(imported).toContain('@electric-sql/pglite');
    const packages = new Set(imported.filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:') && !builtinModules.includes(specifier)));
    expect([...packages].filter((name) => !UNBUNDLED_PACKAGES.some((unbundled) => name === unbundled || name.startsWith(`${unbundled}/`)))).toEqual([]);
  });

  it("hashes with Node's crypto in the bundles, not sha.js in JavaScript (Apollo Server's query hash, on every request)", () => {
    const bundled = ['gateway/src/main.js', ...readdirSync(join(outDir, 'chunks')).map((name) => `chunks/${name}`)]
      .filter((file) => file.endsWith('.js'))
      .map((file) => readFileSync(join(outDir, file), 'utf8'))
      .join('\n');
    expect(bundled).toContain('node_modules/@apollo/utils.createhash/dist/index.js');
    expect(bundled).not.toContain('node_modules/sha.js/');
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
