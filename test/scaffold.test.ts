import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subgraphScopes } from '../gateway/src/auth/presets.js';
import { ROOT } from '../scripts/lib/processes.js';

/**
 * `npm run new:subgraph` end to end, in a copy of the repository (node_modules linked): both kinds
 * are scaffolded, then the copy must pass what CI runs on a new subgraph, untouched: the generated
 * tests, compose:check, codegen:check, the type check and schema:check.
 */
const copy = mkdtempSync(join(tmpdir(), 'bizgraph-scaffold-'));
const SKIP = new Set(['node_modules', '.data', '.git', 'dist']);

interface Run {
  code: number | null;
  output: string;
}

/** Runs a command in the copy; variables of this test run (vitest's own) stay out of the child. */
function run(command: string, args: string[]): Promise<Run> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'NODE_ENV'));
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: copy, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('close', (code) => resolve({ code, output }));
  });
}

const scaffold = (...args: string[]) => run('npm', ['run', '-s', 'new:subgraph', '--', ...args]);
/** Asserted together so a failure shows what the command printed. */
const expectSuccess = (result: Run) => expect({ code: result.code, output: result.code === 0 ? '' : result.output }).toEqual({ code: 0, output: '' });

beforeAll(async () => {
  cpSync(ROOT, copy, { recursive: true, filter: (source) => !SKIP.has(relative(ROOT, source).split('/')[0]!) });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  expectSuccess(await scaffold('--name', 'widgets', '--kind', 'rest'));
  expectSuccess(await scaffold('--name', 'depot', '--kind', 'postgres', '--team', 'depot-ops', '--port', '4077'));
}, 300_000);

afterAll(() => {
  rmSync(copy, { recursive: true, force: true });
});

describe('npm run new:subgraph', () => {
  it('writes both subgraphs and registers them', () => {
    for (const file of [
      'schema.graphql',
      'config.ts',
      'context.ts',
      'server.ts',
      'main.ts',
      'loaders.ts',
      'models.ts',
      'codegen-mappers.ts',
      'resolvers/index.ts',
      '__generated__/resolvers-types.ts',
    ]) {
      expect(existsSync(join(copy, 'subgraphs/widgets', file)) && existsSync(join(copy, 'subgraphs/depot', file)), file).toBe(true);
    }
    expect(existsSync(join(copy, 'subgraphs/widgets/widgets-client.ts'))).toBe(true);
    expect(existsSync(join(copy, 'subgraphs/depot/db.ts'))).toBe(true);
    const supergraphYaml = readFileSync(join(copy, 'schema/supergraph.yaml'), 'utf8');
    // The next free port after the committed subgraphs, and the one asked for.
    expect(supergraphYaml).toMatch(/widgets:\n {4}routing_url: http:\/\/127\.0\.0\.1:4006\/graphql/);
    expect(supergraphYaml).toContain('routing_url: http://127.0.0.1:4077/graphql');
    expect(readFileSync(join(copy, 'schema/owners.yaml'), 'utf8')).toMatch(/depot:\n {4}team: depot-ops/);
    // The known scopes follow from supergraph.yaml (gateway/src/auth/presets.ts): no edit there.
    expect(subgraphScopes(supergraphYaml)).toEqual(expect.arrayContaining(['widgets:read', 'widgets:write', 'depot:read', 'depot:write']));
    expect(readFileSync(join(copy, 'schema/supergraph.graphql'), 'utf8')).toContain('type WidgetsItem');
  });

  it('refuses an existing or invalid name with exit code 2', async () => {
    expect(await scaffold('--name', 'support', '--kind', 'rest')).toMatchObject({ code: 2, output: expect.stringContaining('already exists') });
    expect(await scaffold('--name', 'Bad-Name', '--kind', 'rest')).toMatchObject({ code: 2, output: expect.stringContaining('--name "Bad-Name" is invalid') });
    expect(await scaffold('--name', 'gadgets', '--kind', 'soap')).toMatchObject({ code: 2, output: expect.stringContaining('--kind "soap" is invalid') });
  });

  it('generates subgraphs whose own tests pass', async () => {
    expectSuccess(await run('npx', ['vitest', 'run', 'subgraphs/widgets', 'subgraphs/depot']));
  }, 300_000);

  it('leaves the committed artefacts and the types consistent', async () => {
    expectSuccess(await run('npm', ['run', '-s', 'compose:check']));
    expectSuccess(await run('npm', ['run', '-s', 'codegen:check']));
    expectSuccess(await run('npx', ['tsc', '--noEmit']));
    // What the scaffold wrote stays formatted (all of it is under subgraphs/ and schema/; the rest of
    // the tree is CI's format:check) and the new subgraphs stay inside their import boundaries.
    expectSuccess(await run('npx', ['prettier', '--check', 'subgraphs', 'schema']));
    expectSuccess(await run('npx', ['eslint', 'subgraphs/widgets', 'subgraphs/depot']));
  }, 600_000);

  it.runIf(existsSync(join(ROOT, 'schema/tools/check/cli.ts')))(
    'passes schema:check untouched',
    async () => {
      expectSuccess(await run('npm', ['run', '-s', 'schema:check', '--', '--subgraph', 'widgets']));
      expectSuccess(await run('npm', ['run', '-s', 'schema:check', '--', '--subgraph', 'depot']));
    },
    300_000,
  );
});
