import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildProject } from '../../scripts/lib/build.js';
import { ROOT } from '../../scripts/lib/processes.js';

/**
 * Vitest globalSetup, before the shared stacks: compiles the working tree and the fixture servers
 * of test/fixtures once (under a second) into a `.data/test-build-…` directory of its own (removed
 * after the run), and every process the tests start runs from it (`BIZGRAPH_BUILD_DIR`, see
 * `nodeArgsFor` in scripts/lib/processes.ts) instead of paying `tsx`'s start-up each time: about
 * 1.5 s of CPU per process, hundreds of processes per run. Built at every run, so it is never stale;
 * an entry written during the run (a scaffolded subgraph) is not in it and runs through `tsx`.
 * `BIZGRAPH_TEST_BUILD=off` runs every process from its TypeScript source, as before.
 */
export default async function setup(): Promise<(() => void) | undefined> {
  if (process.env.BIZGRAPH_TEST_BUILD === 'off') return undefined;
  mkdirSync(join(ROOT, '.data'), { recursive: true });
  const outDir = mkdtempSync(join(ROOT, '.data', 'test-build-'));
  await buildProject(outDir, ['test/fixtures']);
  // Forked test workers start after global setup and inherit this.
  process.env.BIZGRAPH_BUILD_DIR = outDir;
  return () => rmSync(outDir, { recursive: true, force: true });
}
