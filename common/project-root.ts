import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's root: the nearest directory above this file holding `package.json`. Found rather
 * than counted in `../`, because the same module runs from the sources (`common/`) and from a
 * build (`dist/common/`, `.data/test-build/common/`), and must read the live `schema/` either way.
 */
export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** Whether an absolute path lies strictly inside the project (where a build must be to find it). */
export function isInsideProject(path: string): boolean {
  return path.startsWith(PROJECT_ROOT + sep);
}

/** A path under the project root, e.g. `projectPath('schema/supergraph.yaml')`. */
export function projectPath(relativePath: string): string {
  return join(PROJECT_ROOT, relativePath);
}
