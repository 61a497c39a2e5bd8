import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeArgsFor, ROOT } from '../../scripts/lib/processes.js';

const SCRIPTS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/**
 * What `npm run -s <script> -- <args>` runs, without npm: the script's line from package.json
 * (`tsx <entry> [fixed args]`) started as `node` on the test run's build of that entry (see
 * scripts/lib/processes.ts `nodeArgsFor`), or through tsx when there is none. A CLI test then
 * spends its time in the command, not in npm's and tsx's start-up (~2 s of CPU per run). A
 * script of any other shape is run through npm itself. Run it with `cwd: ROOT`, as npm would.
 */
export function npmScript(script: string, args: readonly string[] = []): { command: string; args: string[] } {
  const line = SCRIPTS[script];
  if (line === undefined) throw new Error(`package.json has no script "${script}"`);
  const match = /^tsx (\S+\.ts)((?: [^ ]+)*)$/.exec(line);
  if (!match) return { command: 'npm', args: ['run', '-s', script, '--', ...args] };
  const fixed = match[2]!.trim() === '' ? [] : match[2]!.trim().split(' ');
  return { command: process.execPath, args: [...nodeArgsFor(match[1]!), ...fixed, ...args] };
}
