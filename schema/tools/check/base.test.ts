import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectPath } from '../../../common/project-root.js';
import { readBase, SUPERGRAPH_IN_GIT } from './base.js';

const scratch = mkdtempSync(join(tmpdir(), 'bizgraph-check-base-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' });

describe('the base schema:check compares with', () => {
  // A repository of its own: the committed file and the working tree differ, as after `compose`.
  const repo = join(scratch, 'repo');
  cpSync(projectPath('schema/supergraph.graphql'), join(repo, SUPERGRAPH_IN_GIT));
  git(repo, 'init', '-q');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'base');
  const committed = execFileSync('git', ['show', `HEAD:${SUPERGRAPH_IN_GIT}`], { cwd: repo, encoding: 'utf8' });
  writeFileSync(join(repo, SUPERGRAPH_IN_GIT), `${committed}\n# rewritten by compose\n`);

  it('is the committed supergraph by default, not the rewritten working file', () => {
    const warnings: string[] = [];
    expect(readBase(undefined, (message) => warnings.push(message), repo)).toEqual({ sdl: committed, source: `HEAD:${SUPERGRAPH_IN_GIT}` });
    expect(warnings).toEqual([]);
  });

  it('takes --base as a file when one exists there, else as a revision; refuses a base that is neither', () => {
    const file = join(scratch, 'other.graphql');
    writeFileSync(file, 'type Query { a: Int }');
    expect(readBase(file, () => undefined, repo)).toEqual({ sdl: 'type Query { a: Int }', source: file });
    expect(readBase('HEAD', () => undefined, repo).sdl).toBe(committed);
    expect(() => readBase('no-such-branch', () => undefined, repo)).toThrow('"no-such-branch" is neither a file nor a git revision holding schema/supergraph.graphql');
  });

  it('falls back to the working file, saying so, where there is no git history', () => {
    const archive = join(scratch, 'archive');
    cpSync(join(repo, 'schema'), join(archive, 'schema'), { recursive: true });
    const warnings: string[] = [];
    expect(readBase(undefined, (message) => warnings.push(message), archive).sdl).toContain('# rewritten by compose');
    expect(warnings).toEqual(["no git history here, so the base is the working tree's schema/supergraph.graphql: give --base FILE|REV"]);
  });
});
