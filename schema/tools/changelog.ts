import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildSections, renderChangelog } from './changelog/build.js';
import { FileHistory, NotARepositoryError } from './changelog/git.js';
import { PROJECT_ROOT } from '../../common/project-root.js';

/**
 * `npm run changelog`: writes schema/CHANGELOG.md from the git history of the committed
 * schema/supergraph.graphql (plus an "Unreleased" section when the working tree differs from HEAD).
 * Exit codes: 0 written, 1 not a git repository, 2 bad usage or a git failure.
 */
const PROJECT_DIR = PROJECT_ROOT;
const SUPERGRAPH = 'schema/supergraph.graphql';
const OUTPUT = 'schema/CHANGELOG.md';

export const USAGE = `usage: npm run changelog -- [--repo DIR] [--stdout]
  writes DIR/${OUTPUT} from the git history of DIR/${SUPERGRAPH} (DIR defaults to this project)
  --stdout  print the changelog instead of writing it`;

export interface ChangelogIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export async function runChangelog(argv: readonly string[], io: ChangelogIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { repo: { type: 'string' }, stdout: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    io.err(`changelog: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const dir = resolve(values.repo ?? PROJECT_DIR);
  const history = new FileHistory(dir, SUPERGRAPH);
  let text: string;
  try {
    history.assertRepository();
    text = renderChangelog(await buildSections(history, readOrUndefined(resolve(dir, SUPERGRAPH))));
  } catch (error) {
    io.err(`changelog: ${(error as Error).message}\n`);
    return error instanceof NotARepositoryError ? 1 : 2;
  }
  if (values.stdout) {
    io.out(text);
    return 0;
  }
  const output = resolve(dir, OUTPUT);
  writeFileSync(output, text);
  io.out(`wrote ${relative(process.cwd(), output) || output} (${text.split('\n## ').length - 1} sections)\n`);
  return 0;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // not in the working tree: the Unreleased section says it was removed
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await runChangelog(process.argv.slice(2), { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) });
}
