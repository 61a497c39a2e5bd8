import { spawnSync } from 'node:child_process';

/** Thrown when the directory is not in a git work tree (or git is missing): the CLI exits 1 with it. */
export class NotARepositoryError extends Error {
  override name = 'NotARepositoryError';
}

export interface Commit {
  hash: string;
  shortHash: string;
  /** Author date, `YYYY-MM-DD` in the author's time zone: fixed by the commit, not by the machine. */
  date: string;
  subject: string;
}

/** Without GIT_DIR and friends (set when run from a git hook), `git -C dir` would read another repository. */
function ownRepositoryEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY']) delete env[name];
  return env;
}

/** Read-only access to one file's history, through the git command line. */
export class FileHistory {
  constructor(
    /** Directory git runs in; `path` is relative to it. */
    readonly dir: string,
    readonly path: string,
  ) {}

  private git(args: string[]): { ok: boolean; stdout: string; stderr: string } {
    const result = spawnSync('git', ['-C', this.dir, ...args], { encoding: 'utf8', env: ownRepositoryEnv(), maxBuffer: 256 * 1024 * 1024 });
    if (result.error) throw new NotARepositoryError(`cannot run git: ${result.error.message}`);
    return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr };
  }

  /** Throws NotARepositoryError naming the directory when it is not inside a git work tree. */
  assertRepository(): void {
    const result = this.git(['rev-parse', '--is-inside-work-tree']);
    if (!result.ok || result.stdout.trim() !== 'true') {
      throw new NotARepositoryError(`${this.dir} is not inside a git repository: the changelog is built from the git history of ${this.path}`);
    }
  }

  isShallow(): boolean {
    return this.git(['rev-parse', '--is-shallow-repository']).stdout.trim() === 'true';
  }

  /** Commits that changed the file, newest first (first-parent view of merges is git's default simplification). */
  commits(): Commit[] {
    const result = this.git(['log', '--format=%H%x1f%h%x1f%ad%x1f%s', '--date=short', '--', this.path]);
    if (!result.ok) {
      // A repository without any commit yet has no history to tell.
      if (/does not have any commits|bad default revision/.test(result.stderr)) return [];
      throw new Error(`git log failed: ${result.stderr.trim()}`);
    }
    return result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [hash = '', shortHash = '', date = '', subject = ''] = line.split('\x1f');
        return { hash, shortHash, date, subject };
      });
  }

  /** The file as of a revision; undefined when the revision or the file in it does not exist. */
  contentAt(revision: string): string | undefined {
    const result = this.git(['show', `${revision}:./${this.path}`]);
    return result.ok ? result.stdout : undefined;
  }

  /** True when the commit has a parent in this clone (false for a root commit and a shallow clone's boundary). */
  hasParent(hash: string): boolean {
    return this.git(['rev-parse', '--verify', '--quiet', `${hash}^`]).ok;
  }
}
