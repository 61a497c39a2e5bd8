import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { projectPath } from '../../../common/project-root.js';

/**
 * What `npm run schema:check` compares with: the committed supergraph, not the working tree's.
 * `compose` and `new:subgraph` rewrite the working file, so against it a change was compared with
 * itself (a brand-new subgraph showed "0 breaking, 0 dangerous, 0 safe"), and another team's
 * uncommitted work showed up in one team's check.
 */
export const SUPERGRAPH_IN_GIT = 'schema/supergraph.graphql';

/** A file (path relative to the project root) as committed at `revision`; undefined when git cannot show it. */
export function committedFile(revision: string, path: string, cwd = projectPath('.')): string | undefined {
  try {
    return execFileSync('git', ['show', `${revision}:${path}`], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return undefined;
  }
}

/** The revision `--base` names, or undefined when it names a file. */
export function baseRevision(base: string | undefined): string | undefined {
  return base !== undefined && existsSync(resolve(base)) ? undefined : (base ?? 'HEAD');
}

/**
 * `--base` as a file when one exists at that path, else as a git revision (HEAD when not given).
 * A copy without git history (an unpacked archive) compares with the working tree, and says so.
 */
export function readBase(base: string | undefined, warn: (message: string) => void, cwd = projectPath('.')): { sdl: string; source: string } {
  if (base !== undefined && existsSync(resolve(base))) return { sdl: readFileSync(resolve(base), 'utf8'), source: resolve(base) };
  const revision = base ?? 'HEAD';
  const sdl = committedFile(revision, SUPERGRAPH_IN_GIT, cwd);
  if (sdl !== undefined) return { sdl, source: `${revision}:${SUPERGRAPH_IN_GIT}` };
  if (base !== undefined) throw new Error(`"${base}" is neither a file nor a git revision holding ${SUPERGRAPH_IN_GIT}`);
  const working = resolve(cwd, SUPERGRAPH_IN_GIT);
  warn(`no git history here, so the base is the working tree's ${SUPERGRAPH_IN_GIT}: give --base FILE|REV`);
  return { sdl: readFileSync(working, 'utf8'), source: working };
}
